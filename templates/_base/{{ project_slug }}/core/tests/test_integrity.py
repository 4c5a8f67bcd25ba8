"""Telling a unique-constraint refusal from other integrity errors, on SQLite and PostgreSQL alike."""

import pytest
from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction

from ..integrity import is_unique_violation


@pytest.mark.django_db
def test_a_duplicate_is_a_unique_violation_and_a_missing_value_is_not():
    user_model = get_user_model()
    user_model.objects.create(username="taken")
    with pytest.raises(IntegrityError) as duplicate, transaction.atomic():
        user_model.objects.create(username="taken")
    with pytest.raises(IntegrityError) as missing, transaction.atomic():
        user_model.objects.create(username=None)
    assert is_unique_violation(duplicate.value)
    assert not is_unique_violation(missing.value)
    assert not is_unique_violation(ValueError("UNIQUE constraint failed"))
