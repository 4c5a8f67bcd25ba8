"""Product pictures: saving one makes its smaller copies, and pages show them responsively (srcset and
sizes, width and height, lazy below the fold)."""

import re
from io import BytesIO

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.test import Client
from PIL import Image

from ..demo_images import product_picture
from ..models import ProductImage
from ..renditions import rendition_name
from .factories import VariantFactory

pytestmark = pytest.mark.django_db


def test_a_picture_is_drawn_the_same_for_the_same_name():
    drawn = product_picture("Hand grinder")
    assert drawn == product_picture("Hand grinder")
    with Image.open(ContentFile(drawn)) as picture:
        assert (picture.format, picture.size) == ("WEBP", (1200, 900))


def picture_of(product, size=(800, 600)) -> ProductImage:
    image = ProductImage(product=product, alt_text=f"{product.name} on a table")
    buffer = BytesIO()
    Image.new("RGB", size, "#336699").save(buffer, "PNG")
    image.image.save("photo.png", ContentFile(buffer.getvalue()))
    return image


def test_pages_show_pictures_at_several_sizes(fast_pictures):
    products = [VariantFactory(product__name=f"Mug {n}").product for n in range(5)]
    for product in products:
        picture_of(product)
    product_page = Client().get(products[0].get_absolute_url()).content.decode()
    (main,) = re.findall(r"<img [^>]*alt=\"Mug 0 on a table\"[^>]*>", product_page)
    srcset = r'srcset="[^"]*-320w\.webp 320w, [^"]*-640w\.webp 640w, [^"]*photo[^"]*\.png 800w"'
    assert re.search(srcset, main)
    assert 'width="800"' in main and 'height="600"' in main and "sizes=" in main
    assert 'loading="lazy"' not in main  # the page's main picture is not below the fold
    cards = re.findall(r"<img [^>]*>", Client().get("/").content.decode().split('id="main"')[1])
    assert len(cards) == 5
    assert ['loading="lazy"' in card for card in cards] == [False, False, False, True, True]


def test_a_picture_pillow_cannot_read_is_shown_without_copies():
    image = ProductImage(product=VariantFactory().product, alt_text="Broken", width=500, height=400)
    image.image.save("broken.png", ContentFile(b"not a picture"), save=False)
    ProductImage.objects.bulk_create([image])
    image.save()
    assert not default_storage.exists(rendition_name(image.image.name, 320))
