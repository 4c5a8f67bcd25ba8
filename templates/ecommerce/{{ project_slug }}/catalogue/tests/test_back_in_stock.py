""" "Tell me when it is back" on the product page (both ways: htmx and a plain form), the unsubscribe page of
its emails, and the admin's threshold and subscriptions."""

import pytest
from django.contrib.messages import get_messages
from django.db import IntegrityError, connection
from django.test.utils import CaptureQueriesContext

from .. import alerts
from ..models import BackInStockSubscription, Variant
from .factories import UserFactory, VariantFactory

pytestmark = pytest.mark.django_db

HTMX = {"HX-Request": "true"}


def subscribe(client, variant, email, page="page-1", **kwargs):
    data = {"variant": variant.pk, "email": email, "csrfmiddlewaretoken": page}
    return client.post(f"/products/{variant.product.slug}/back-in-stock/", data, **kwargs)


def test_a_sold_out_option_offers_the_form_and_an_available_product_does_not(client):
    gone = VariantFactory(name="Size L", in_stock=2, allocated=2)
    VariantFactory(product=gone.product, name="Size M", in_stock=4)
    content = client.get(gone.product.get_absolute_url()).content.decode()
    assert 'id="back-in-stock"' in content and "Tell me when it is back" in content
    assert f'type="hidden" name="variant" value="{gone.pk}"' in content  # the one sold-out option
    assert 'name="email" value=""' not in content or 'autocomplete="email"' in content
    plenty = VariantFactory(in_stock=3)
    assert 'id="back-in-stock"' not in client.get(plenty.product.get_absolute_url()).content.decode()


def test_several_sold_out_options_are_a_choice_and_a_customer_s_address_is_filled_in(client):
    first = VariantFactory(name="Size S", in_stock=0)
    VariantFactory(product=first.product, name="Size L", in_stock=0)
    client.force_login(UserFactory(email="ada@example.com"))
    content = client.get(first.product.get_absolute_url()).content.decode()
    assert '<select name="variant" id="back-in-stock-variant">' in content  # not add-to-cart's id
    assert 'value="ada@example.com"' in content


def test_a_visitor_subscribes_with_a_plain_form(client):
    variant = VariantFactory(in_stock=0)
    response = subscribe(client, variant, " Ada@Example.com ")
    assert response.status_code == 302 and response.url == variant.product.get_absolute_url()
    message = f"We will email ada@example.com once when {variant} is back in stock."
    assert [str(m) for m in get_messages(response.wsgi_request)] == [message]
    assert list(BackInStockSubscription.objects.values_list("variant", "email")) == [
        (variant.pk, "ada@example.com")
    ]


def test_subscribing_twice_is_a_friendly_message(client):
    variant = VariantFactory(in_stock=0)
    subscribe(client, variant, "ada@example.com")
    response = subscribe(client, variant, "ADA@example.com", page="page-2", headers=HTMX)
    content = response.content.decode()
    assert response.status_code == 200
    assert "ada@example.com is already on the list for" in content
    assert content.count('id="back-in-stock"') == 1 and "<html" not in content
    assert BackInStockSubscription.objects.count() == 1


def test_the_database_refuses_a_second_row_for_an_address():
    variant = VariantFactory(in_stock=0)
    BackInStockSubscription.objects.create(variant=variant, email="ada@example.com")
    with pytest.raises(IntegrityError):
        BackInStockSubscription.objects.create(variant=variant, email="ada@example.com")


def test_htmx_subscribe_answers_the_fragment_with_what_was_done(client):
    variant = VariantFactory(in_stock=0)
    response = subscribe(client, variant, "ada@example.com", headers=HTMX)
    content = response.content.decode()
    assert response.status_code == 200
    assert f"We will email ada@example.com once when {variant} is back in stock." in content
    assert 'hx-post="/products/' in content and '<div id="refusal"' in content


@pytest.mark.parametrize(
    ("email", "problem"),
    [("not-an-address", "Enter a valid email address."), ("", "Enter your email address.")],
)
def test_a_bad_address_is_a_form_error(client, email, problem):
    variant = VariantFactory(in_stock=0)
    response = subscribe(client, variant, email)
    assert response.status_code == 400
    assert problem in response.content.decode()
    htmx = subscribe(client, variant, email, page="page-2", headers=HTMX)
    assert htmx.status_code == 200 and f"Not subscribed: {problem}" in htmx.content.decode()
    assert not BackInStockSubscription.objects.exists()


def test_an_option_that_can_be_bought_is_refused_with_the_reason(client):
    variant = VariantFactory(in_stock=0)
    in_stock = VariantFactory(product=variant.product, in_stock=5)
    response = subscribe(client, in_stock, "ada@example.com")  # not offered: not a sold-out option
    assert response.status_code == 400
    assert "Choose one of the sold-out options" in response.content.decode()
    # Sold out when the form was sent, restocked before it arrived: the rule checks again.
    Variant.objects.filter(pk=variant.pk).update(in_stock=1)
    with pytest.raises(alerts.SubscribeRefused, match="is in stock: you can buy it now"):
        alerts.subscribe(variant.pk, "ada@example.com")
    with pytest.raises(alerts.SubscribeRefused, match="no longer sold"):
        alerts.subscribe(0, "ada@example.com")
    assert not BackInStockSubscription.objects.exists()


def test_the_subscribe_page_answers_only_posts_and_known_products(client):
    variant = VariantFactory(in_stock=0)
    assert client.get(f"/products/{variant.product.slug}/back-in-stock/").status_code == 405
    assert (
        client.post("/products/no-such-product/back-in-stock/", {"email": "a@example.com"}).status_code == 404
    )


def test_the_unsubscribe_page_asks_then_removes_and_a_changed_link_is_refused(client):
    variant = VariantFactory(in_stock=0)
    done = alerts.subscribe(variant.pk, "ada@example.com")
    url = f"/back-in-stock/unsubscribe/{alerts.token_for(done.subscription)}/"
    page = client.get(url)
    assert (
        page.status_code == 200 and "Stop emailing <strong>ada@example.com</strong>" in page.content.decode()
    )
    assert BackInStockSubscription.objects.exists()  # opening the link (a mail scanner) removes nothing
    response = client.post(url)
    assert response.status_code == 302
    assert not BackInStockSubscription.objects.exists()
    again = client.get(url)
    assert again.status_code == 200 and "not on the list (any more)" in again.content.decode()
    refused = client.get(url.replace("/unsubscribe/", "/unsubscribe/x"))
    assert refused.status_code == 404
    assert "<p data-refusal>This unsubscribe link is not valid" in refused.content.decode()
    assert client.post(url[:-5] + "AAAA/").status_code == 404


def count_queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_the_product_page_reads_as_many_queries_with_sold_out_options(client):
    plenty = VariantFactory(in_stock=5)
    VariantFactory(product=plenty.product, in_stock=5)
    gone = VariantFactory(in_stock=0)
    VariantFactory(product=gone.product, in_stock=0)
    for _ in range(5):
        VariantFactory(product=gone.product, in_stock=0)
    assert count_queries(client, plenty.product.get_absolute_url()) == count_queries(
        client, gone.product.get_absolute_url()
    )
    client.force_login(UserFactory())
    assert count_queries(client, plenty.product.get_absolute_url()) == count_queries(
        client, gone.product.get_absolute_url()
    )


def test_staff_edit_the_threshold_and_see_the_subscriptions(
    admin_client, settings, django_capture_on_commit_callbacks
):
    settings.SHOP_STAFF_EMAILS = ["stock@example.com"]
    variant = VariantFactory(in_stock=0)
    alerts.subscribe(variant.pk, "ada@example.com")
    url = f"/admin/catalogue/variant/{variant.pk}/change/"
    assert 'name="low_stock_threshold"' in admin_client.get(url).content.decode()
    data = {"product": variant.product.pk, "sku": variant.sku, "name": variant.name, "price": "10.00",
            "in_stock": "7", "low_stock_threshold": "2", "is_active": "on"}  # fmt: skip
    with django_capture_on_commit_callbacks(execute=True):
        assert admin_client.post(url, data).status_code == 302
    variant.refresh_from_db()
    assert (variant.in_stock, variant.low_stock_threshold) == (7, 2)
    # Restocked in the admin: the customer waiting is told.
    assert BackInStockSubscription.objects.get().notified_at is not None
    listing = admin_client.get("/admin/catalogue/backinstocksubscription/?q=ada")
    assert listing.status_code == 200 and "ada@example.com" in listing.content.decode()
    product_page = admin_client.get(f"/admin/catalogue/product/{variant.product.pk}/change/")
    assert "low_stock_threshold" in product_page.content.decode()
