"""Reads compiled once (``core.statements``): the SQL is kept, never the rows; each read fills its slots."""

from collections import OrderedDict

import pytest
from django.contrib.auth import get_user_model
from django.db.models import CharField

from .. import statements
from ..statements import Slot

pytestmark = pytest.mark.django_db

User = get_user_model()


@pytest.fixture
def kept(monkeypatch) -> OrderedDict:
    """The process's kept statements, empty for this test."""
    empty: OrderedDict = OrderedDict()
    monkeypatch.setattr(statements, "_kept", empty)
    return empty


def by_name():
    return User.objects.filter(username=Slot("name", CharField())).order_by("pk")


def test_a_statement_is_compiled_once_and_read_anew_with_each_reads_values(kept):
    ana = User.objects.create_user("ana", "ana@example.com")
    first = statements.kept(User, ("by name",), by_name)
    assert first.rows(name="ana") == [ana]
    assert first.rows(name="bob") == []
    bob = User.objects.create_user("bob", "bob@example.com")
    again = statements.kept(User, ("by name",), lambda: pytest.fail("compiled twice"))
    assert again is first and again.rows(name="bob") == [bob]  # SQL kept, rows read anew
    User.objects.filter(pk=bob.pk).update(first_name="Bob")
    assert again.rows(name="bob")[0].first_name == "Bob"
    assert len(kept) == 1


def test_only_the_newest_statements_are_kept(kept, monkeypatch):
    monkeypatch.setattr(statements, "KEPT_STATEMENTS", 2)
    for key in ("a", "b", "a", "c"):
        statements.kept(User, (key,), by_name)
    assert [key[-1] for key in kept] == ["a", "c"]  # "b" was the least recently read


def test_a_slot_is_refused_outside_a_statement():
    with pytest.raises(TypeError, match="only for statements"):
        list(User.objects.filter(pk=Slot("pk")))
