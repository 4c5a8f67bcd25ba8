"""The address book's rule: a customer with addresses has exactly one default, kept by ``book.py`` and,
whatever code writes, by the database (the partial unique constraint), also under concurrent changes."""

import pytest
from django.db import IntegrityError, transaction

from ...core.tests.concurrency import postgresql_only, run_all_at_once
from .. import book
from ..models import Address
from .factories import AddressFactory, UserFactory

pytestmark = pytest.mark.django_db


def new(user) -> Address:
    return book.save(AddressFactory.build(user=user))


def defaults(user) -> list[int]:
    return list(Address.objects.filter(user=user, is_default=True).values_list("pk", flat=True))


def test_the_first_address_is_the_default_and_later_ones_are_not():
    user = UserFactory()
    first, second = new(user), new(user)
    assert defaults(user) == [first.pk]
    assert not second.is_default


def test_making_another_the_default_moves_it():
    user = UserFactory()
    first, second = new(user), new(user)
    book.make_default(second)
    assert defaults(user) == [second.pk]
    third = book.save(AddressFactory.build(user=user), make_default=True)
    assert defaults(user) == [third.pk]
    first.refresh_from_db()
    assert not first.is_default


def test_deleting_the_default_passes_it_to_the_newest_remaining_address():
    user = UserFactory()
    first, second, third = new(user), new(user), new(user)
    assert book.delete(first) == third
    assert defaults(user) == [third.pk]
    assert book.delete(second) is None  # not the default: nothing moves
    assert defaults(user) == [third.pk]
    book.delete(third)
    assert defaults(user) == []


def test_each_customer_has_their_own_default():
    ada, grace = UserFactory(), UserFactory()
    assert (new(ada).is_default, new(grace).is_default) == (True, True)


def test_the_database_refuses_a_second_default():
    user = UserFactory()
    new(user)
    with pytest.raises(IntegrityError), transaction.atomic():
        AddressFactory(user=user, is_default=True)


@postgresql_only
@pytest.mark.django_db(transaction=True)
def test_two_defaults_made_at_once_leave_exactly_one():
    user = UserFactory()
    first, second = new(user), new(user)
    outcomes = run_all_at_once(
        [
            lambda: book.make_default(Address.objects.get(pk=second.pk)),
            lambda: book.save(AddressFactory.build(user=user), make_default=True),
            lambda: book.make_default(Address.objects.get(pk=first.pk)),
        ]
    )
    assert not [outcome for outcome in outcomes if isinstance(outcome, Exception)]
    assert len(defaults(user)) == 1


@postgresql_only
@pytest.mark.django_db(transaction=True)
def test_two_first_addresses_saved_at_once_give_one_default():
    user = UserFactory()
    outcomes = run_all_at_once([lambda: new(user), lambda: new(user)])
    assert not [outcome for outcome in outcomes if isinstance(outcome, Exception)]
    assert Address.objects.filter(user=user).count() == 2
    assert len(defaults(user)) == 1
