from django.contrib.sites.models import Site

from ..slugs import unique_slug


def test_a_slug_is_made_from_the_value(db):
    assert unique_slug(Site(), "Hello, World!", field="domain") == "hello-world"


def test_taken_and_reserved_slugs_get_a_number(db):
    Site.objects.create(domain="shop", name="Shop")
    assert unique_slug(Site(), "Shop", field="domain") == "shop-2"
    assert unique_slug(Site(), "New", field="domain", reserved={"new"}) == "new-2"


def test_an_instance_keeps_its_own_slug(db):
    site = Site.objects.create(domain="shop", name="Shop")
    assert unique_slug(site, "Shop", field="domain") == "shop"


def test_a_value_without_letters_falls_back_to_the_model_name(db):
    assert unique_slug(Site(), "!!!", field="domain") == "site"
