"""The cart pages and services: adding, changing quantities, bad input, and the merge at login."""

import pytest
from django.contrib.messages import get_messages

from ...catalogue.tests.factories import PASSWORD, UserFactory, VariantFactory
from ..models import Cart, CartLine
from ..services import SESSION_KEY, CartError, add, set_quantity

pytestmark = pytest.mark.django_db


def add_url(variant) -> str:
    return f"/cart/add/{variant.product.slug}/"


def message_texts(response) -> list[str]:
    return [str(message) for message in get_messages(response.wsgi_request)]


def test_visitor_adds_to_a_session_cart(client):
    variant = VariantFactory(in_stock=5)
    response = client.post(add_url(variant), {"variant": variant.pk, "quantity": 2}, follow=True)
    assert response.redirect_chain[-1][0] == "/cart/"
    cart = Cart.objects.get(pk=client.session[SESSION_KEY])
    assert cart.user is None
    assert cart.lines.get().quantity == 2
    assert "2 x " in response.content.decode()
    client.post(add_url(variant), {"variant": variant.pk, "quantity": 1})
    assert cart.lines.get().quantity == 3


@pytest.mark.parametrize(
    ("quantity", "error"),
    [
        ("0", "at least 1"),
        ("-3", "at least 1"),
        ("two", "whole number"),
        ("", "Enter a quantity"),
        ("6", "Only 5 of"),
        ("999", "at most 20"),
    ],
)
def test_bad_quantities_are_refused_with_a_reason(client, quantity, error):
    variant = VariantFactory(in_stock=5)
    response = client.post(add_url(variant), {"variant": variant.pk, "quantity": quantity})
    assert response.status_code == 400
    assert error in response.content.decode()
    assert not CartLine.objects.exists()


def test_adding_more_than_available_counts_what_is_in_the_cart(client):
    variant = VariantFactory(in_stock=3)
    client.post(add_url(variant), {"variant": variant.pk, "quantity": 2})
    response = client.post(add_url(variant), {"variant": variant.pk, "quantity": 2})
    assert response.status_code == 400
    assert "you already have 2 in your cart" in response.content.decode()
    assert CartLine.objects.get().quantity == 2


def test_sold_out_inactive_or_foreign_variants_are_refused(client):
    sold_out = VariantFactory(in_stock=1, allocated=1)
    assert (
        "sold out" in client.post(add_url(sold_out), {"variant": sold_out.pk, "quantity": 1}).content.decode()
    )
    inactive = VariantFactory(is_active=False)
    other = VariantFactory()
    for variant in (inactive, other):
        response = client.post(add_url(sold_out), {"variant": variant.pk, "quantity": 1})
        assert response.status_code == 400
        assert "Choose one of the listed options" in response.content.decode()
    assert not CartLine.objects.exists()


def test_change_and_remove_a_line(client):
    variant = VariantFactory(in_stock=5)
    client.post(add_url(variant), {"variant": variant.pk, "quantity": 1})
    line = CartLine.objects.get()
    response = client.post(f"/cart/lines/{line.pk}/", {"quantity": "9"}, follow=True)
    assert "Only 5 of" in " ".join(message_texts(response))
    client.post(f"/cart/lines/{line.pk}/", {"quantity": "x"})
    assert CartLine.objects.get().quantity == 1
    client.post(f"/cart/lines/{line.pk}/", {"quantity": "4"})
    assert CartLine.objects.get().quantity == 4
    client.post(f"/cart/lines/{line.pk}/", {"quantity": "0"})
    assert not CartLine.objects.exists()


def test_someone_elses_cart_line_is_404(client):
    line = CartLine.objects.create(
        cart=Cart.objects.create(user=UserFactory()), variant=VariantFactory(), quantity=1
    )
    assert client.post(f"/cart/lines/{line.pk}/", {"quantity": "0"}).status_code == 404
    client.force_login(UserFactory())
    assert client.post(f"/cart/lines/{line.pk}/", {"quantity": "0"}).status_code == 404
    assert CartLine.objects.filter(pk=line.pk).exists()


def test_cart_page_warns_about_lines_that_became_unavailable(client):
    variant = VariantFactory(in_stock=5, name="Size M")
    client.post(add_url(variant), {"variant": variant.pk, "quantity": 2})
    variant.allocated = 4
    variant.save(update_fields=["allocated"])
    response = client.get("/cart/")
    assert "Only 1 of" in response.content.decode()
    assert "Check out" not in response.content.decode()
    variant.is_active = False
    variant.save()
    assert "no longer sold" in client.get("/cart/").content.decode()


def test_header_shows_the_number_of_items(client):
    variant = VariantFactory()
    client.post(add_url(variant), {"variant": variant.pk, "quantity": 3})
    header = client.get("/").content.decode()
    assert '<span class="badge count">3<span class="visually-hidden"> items</span>' in header


def test_service_add_raises_without_changing_anything():
    cart = Cart.objects.create()
    with pytest.raises(CartError):
        add(cart, VariantFactory(in_stock=0), 1)
    assert not cart.lines.exists()


# Merge at login ---------------------------------------------------------------------------------


def test_changing_a_line_that_was_ordered_meanwhile_is_told_not_crashed():
    """The line was read, then another tab placed the order (which empties the cart)."""
    cart = Cart.objects.create()
    line = add(cart, VariantFactory(in_stock=5), 1)
    CartLine.objects.filter(pk=line.pk).delete()
    with pytest.raises(CartError, match="no longer in your cart"):
        set_quantity(line, 2)


def test_visitor_cart_merges_into_the_customer_cart_at_login(client):
    customer = UserFactory()
    kept, added = VariantFactory(in_stock=10), VariantFactory(in_stock=10)
    add(Cart.objects.create(user=customer), kept, 2)
    client.post(add_url(kept), {"variant": kept.pk, "quantity": 3})
    client.post(add_url(added), {"variant": added.pk, "quantity": 1})
    visitor_cart_id = client.session[SESSION_KEY]
    client.force_login(customer)
    cart = Cart.objects.get(user=customer)
    assert dict(cart.lines.values_list("variant", "quantity")) == {kept.pk: 5, added.pk: 1}
    assert not Cart.objects.filter(pk=visitor_cart_id).exists()
    assert SESSION_KEY not in client.session


def login_through_the_page(client, settings, user) -> None:
    """Sign in with the site's real login form (allauth's or Django's), as a customer does."""
    if "allauth" in settings.INSTALLED_APPS:
        from allauth.account.models import EmailAddress

        EmailAddress.objects.get_or_create(
            user=user, email=user.email, defaults={"verified": True, "primary": True}
        )
        data = {"login": user.username, "password": PASSWORD}
    else:
        data = {"username": user.username, "password": PASSWORD}
    response = client.post("/accounts/login/", data)
    assert response.status_code == 302


def test_merge_caps_quantities_at_what_can_be_bought(client, settings):
    customer = UserFactory()
    variant = VariantFactory(in_stock=4, name="Size S")
    gone = VariantFactory(in_stock=3, name="Retired")
    add(Cart.objects.create(user=customer), variant, 3)
    client.post(add_url(variant), {"variant": variant.pk, "quantity": 3})
    client.post(add_url(gone), {"variant": gone.pk, "quantity": 1})
    gone.is_active = False
    gone.save()
    login_through_the_page(client, settings, customer)
    assert list(Cart.objects.get(user=customer).lines.values_list("quantity", flat=True)) == [4]
    notes = " ".join(message_texts(client.get("/cart/")))
    assert "holds 4" in notes
    assert "was not added" in notes


def test_merge_happens_through_the_real_login_page(client, settings):
    customer = UserFactory(username="shopper")
    variant = VariantFactory()
    client.post(add_url(variant), {"variant": variant.pk, "quantity": 2})
    login_through_the_page(client, settings, customer)
    assert Cart.objects.get(user=customer).lines.get().quantity == 2
