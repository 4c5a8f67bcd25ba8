"""The address book's pages: add, edit, delete and make default (in place with htmx, or as plain posts);
another customer's address is a 404. Checkout fills in the default or the picked address, and the order
keeps its own copy of it."""

import pytest
from django.contrib.messages import get_messages

from ...orders.models import Order
from ...orders.tests.test_views import checkout_data
from ..models import Address
from .factories import AddressFactory, UserFactory

pytestmark = pytest.mark.django_db

HTMX = {"HX-Request": "true"}
NEW = {"label": "Work", "full_name": "Ada Lovelace", "address_line1": "1 Analytical Row", "address_line2": "",
       "postcode": "EC1A 1BB", "city": "London", "country": "United Kingdom"}  # fmt: skip


@pytest.fixture
def ada(client):
    user = UserFactory(username="ada")
    client.force_login(user)
    return user


def test_the_book_lists_only_the_customers_addresses(client, ada):
    mine = AddressFactory(user=ada, is_default=True)
    theirs = AddressFactory(address_line1="Somewhere else 9")
    page = client.get("/addresses/").content.decode()
    assert mine.address_line1 in page and theirs.address_line1 not in page
    assert "Default" in page


def test_adding_the_first_address_makes_it_the_default(client, ada):
    response = client.post("/addresses/new/", NEW)
    assert response.status_code == 302
    assert Address.objects.get(user=ada).is_default


def test_a_form_error_is_a_400_with_the_reason(client, ada):
    response = client.post("/addresses/new/", {**NEW, "postcode": ""})
    assert response.status_code == 400
    assert "This field is required." in response.content.decode()
    assert not Address.objects.exists()


def test_editing_and_making_default_from_the_form(client, ada):
    first, second = AddressFactory(user=ada, is_default=True), AddressFactory(user=ada)
    assert client.get(f"/addresses/{second.pk}/edit/").status_code == 200
    client.post(f"/addresses/{second.pk}/edit/", {**NEW, "make_default": "on"})
    second.refresh_from_db()
    first.refresh_from_db()
    assert (second.address_line1, second.is_default, first.is_default) == ("1 Analytical Row", True, False)


def test_make_default_in_place_and_as_a_plain_post(client, ada):
    first, second = AddressFactory(user=ada, is_default=True), AddressFactory(user=ada)
    response = client.post(f"/addresses/{second.pk}/default/", headers=HTMX)
    content = response.content.decode()
    assert response.status_code == 200
    assert '<div id="address-book">' in content and "<html" not in content
    assert Address.objects.get(is_default=True) == second
    response = client.post(f"/addresses/{first.pk}/default/")
    assert (response.status_code, response["Location"]) == (302, "/addresses/")
    assert "is your default address now" in str(next(iter(get_messages(response.wsgi_request))))
    assert Address.objects.get(is_default=True) == first


def test_delete_in_place_and_as_a_plain_post(client, ada):
    first, second = AddressFactory(user=ada, is_default=True), AddressFactory(user=ada)
    response = client.post(f"/addresses/{first.pk}/delete/", headers=HTMX)
    assert response.status_code == 200
    assert Address.objects.get() == second and Address.objects.get().is_default
    assert client.post(f"/addresses/{second.pk}/delete/").status_code == 302
    assert not Address.objects.exists()


def test_another_customers_address_is_a_404_everywhere(client, ada):
    theirs = AddressFactory(is_default=True)
    assert client.get(f"/addresses/{theirs.pk}/edit/").status_code == 404
    assert client.post(f"/addresses/{theirs.pk}/edit/", NEW).status_code == 404
    assert client.post(f"/addresses/{theirs.pk}/default/").status_code == 404
    assert client.post(f"/addresses/{theirs.pk}/delete/").status_code == 404
    theirs.refresh_from_db()
    assert theirs.address_line1 != NEW["address_line1"]


def test_the_book_needs_an_account(client):
    assert client.get("/addresses/").status_code == 302


def test_checkout_fills_in_the_default_and_the_picked_address(client, customer, filled_cart):
    client.force_login(customer)
    home = AddressFactory(user=customer, is_default=True, address_line1="12 Home Street")
    work = AddressFactory(user=customer, address_line1="1 Work Lane")
    theirs = AddressFactory(address_line1="Not yours 3")
    form = client.get("/checkout/").context["form"]
    assert form["address_line1"].value() == home.address_line1
    picked = client.get(f"/checkout/?address={work.pk}").context["form"]
    assert picked["address_line1"].value() == "1 Work Lane"
    ignored = client.get(f"/checkout/?address={theirs.pk}")
    assert ignored.context["form"]["address_line1"].value() == home.address_line1
    assert "Not yours 3" not in ignored.content.decode()


def test_the_order_keeps_its_copy_of_the_saved_address(client, customer, filled_cart, shipping):
    client.force_login(customer)
    work = AddressFactory(user=customer, is_default=True, address_line1="1 Work Lane")
    form = client.get("/checkout/").context["form"]
    address = {name: form[name].value() or "" for name in form.Meta.fields}
    assert client.post("/checkout/", checkout_data(shipping, **address)).status_code == 302
    order = Order.objects.get()
    assert (order.address_line1, order.postcode) == ("1 Work Lane", work.postcode)
    work.address_line1 = "Moved away 99"
    work.save()
    client.post(f"/addresses/{work.pk}/delete/")
    order.refresh_from_db()
    assert order.address_line1 == "1 Work Lane"


def test_the_admin_lists_and_searches_addresses(admin_client):
    address = AddressFactory(city="Oxford")
    for query in ("", "?q=Oxford", "?is_default__exact=1", f"{address.pk}/change/"):
        assert admin_client.get(f"/admin/addresses/address/{query}").status_code == 200, query
