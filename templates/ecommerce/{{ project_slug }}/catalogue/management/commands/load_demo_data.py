"""``python manage.py load_demo_data``: a small shop to click through (idempotent: run it again safely)."""

from __future__ import annotations

from contextlib import suppress
from decimal import Decimal
from typing import Any

from django.apps import apps
from django.contrib.auth import get_user_model
from django.core.files.base import ContentFile
from django.core.management.base import BaseCommand, CommandParser
from django.db import transaction

from ....addresses.demo import add_demo_addresses
from ....cart.models import Voucher
from ....orders.demo import add_demo_orders, add_guest_order
from ....orders.models import ShippingMethod
from ...alerts import SubscribeRefused, subscribe
from ...demo_images import product_picture
from ...models import Category, Product, ProductImage, Variant

#: category, parent, products: (name, description, [(sku, variant name, price, in stock)])
CATALOGUE = [
    (
        "Coffee",
        None,
        [
            (
                "Ethiopia Yirgacheffe",
                "Washed, light roast: bergamot, jasmine and lemon.",
                [("COF-ETH-250", "250 g", "9.90", 40), ("COF-ETH-1K", "1 kg", "32.50", 8)],
            ),
            (
                "Colombia Huila",
                "Medium roast with caramel and red apple.",
                [("COF-COL-250", "250 g", "8.50", 55), ("COF-COL-1K", "1 kg", "28.00", 0)],
            ),
            (
                # Sold out: the list's "In stock only" filter leaves it out; the demo customer waits for it
                # ("tell me when it is back": restock it in the admin to send the email).
                "Kenya Nyeri AA",
                "Washed, light roast: blackcurrant and grapefruit.",
                [("COF-KEN-250", "250 g", "11.50", 0)],
            ),
        ],
    ),
    (
        "Brewing",
        None,
        [
            (
                "Pour-over dripper",
                "Porcelain, size 02, for one to four cups.",
                [("BRW-DRIP-WHT", "White", "24.00", 12), ("BRW-DRIP-BLK", "Black", "24.00", 3)],
            ),
            (
                "Paper filters",
                "100 unbleached filters for size 02 drippers.",
                [("BRW-FILT-100", "100 pack", "4.95", 120)],
            ),
        ],
    ),
    (
        "Grinders",
        "Brewing",
        [
            (
                "Hand grinder",
                "Conical steel burrs, 30 grind settings.",
                [("GRD-HAND-01", "Standard", "59.00", 6)],
            ),
        ],
    ),
    (
        "Merchandise",
        None,
        [
            (
                "Logo T-shirt",
                "Organic cotton.",
                [
                    ("TSH-S", "Size S", "19.00", 10),
                    ("TSH-M", "Size M", "19.00", 14),
                    ("TSH-L", "Size L", "19.00", 1),
                ],
            ),
        ],
    ),
]
SHIPPING = [("Standard", "3-5 working days", "4.90"), ("Express", "Next working day", "12.00"),
            ("Collect in store", "Free, ready the same day", "0.00")]  # fmt: skip


class Command(BaseCommand):
    help = (
        "Load a small demo catalogue with pictures, stock, shipping methods and a demo customer with two "
        "orders (one paid, with its invoice, one delivered with returns and a refund)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--password", default="demo-password", help="The demo customer's password when created."
        )

    @transaction.atomic
    def handle(self, *args: Any, **options: Any) -> None:
        categories: dict[str, Category] = {}
        for category_name, parent_name, products in CATALOGUE:
            category = categories[category_name] = Category.objects.get_or_create(
                name=category_name, parent=categories.get(parent_name)
            )[0]
            for product_name, description, variants in products:
                product = Product.objects.get_or_create(
                    name=product_name, defaults={"category": category, "description": description}
                )[0]
                if not product.images.exists():
                    picture = ProductImage(product=product, alt_text=product_name)
                    picture.image.save(f"{product.slug}.webp", ContentFile(product_picture(product_name)))
                for sku, variant_name, price, in_stock in variants:
                    Variant.objects.get_or_create(
                        sku=sku,
                        defaults={
                            "product": product,
                            "name": variant_name,
                            "price": Decimal(price),
                            "in_stock": in_stock,
                        },
                    )
        for position, (name, description, price) in enumerate(SHIPPING):
            ShippingMethod.objects.get_or_create(
                name=name,
                defaults={"description": description, "price": Decimal(price), "position": position},
            )
        # A welcome voucher: 10 % off from a subtotal of 20, once per customer (try it in the cart).
        Voucher.objects.get_or_create(
            code="WELCOME10",
            defaults={"kind": Voucher.Kind.PERCENTAGE, "value": Decimal(10), "minimum_subtotal": Decimal(20)},
        )
        customer, created = get_user_model().objects.get_or_create(
            username="demo", defaults={"email": "demo@example.com", "name": "Demo Customer"}
        )
        if created:
            customer.set_password(options["password"])
            customer.save(update_fields=["password"])
        if apps.is_installed("allauth.account"):
            # allauth asks for a verified email address before the first sign-in.
            from allauth.account.models import EmailAddress

            EmailAddress.objects.get_or_create(
                user=customer, email=customer.email, defaults={"verified": True, "primary": True}
            )
        add_demo_stock_alerts(customer)
        add_demo_orders(customer)  # paid (with its invoice), waiting for payment, delivered with returns
        add_demo_addresses(customer)  # home (the default) and work
        guest_link = add_guest_order()  # a guest's order, opened by its signed link
        self.stdout.write(
            self.style.SUCCESS(
                f"Demo shop ready: {Product.objects.count()} products, {Variant.objects.count()} variants, "
                "the voucher WELCOME10 (10 % off from 20), "
                f"a guest's order at {guest_link} . "
                + (
                    f"Sign in as “demo” with the password “{options['password']}”."
                    if created
                    else "The demo customer “demo” already exists; its password is unchanged."
                )
            )
        )


#: (SKU, threshold): staff are emailed when a sale leaves this many or fewer (3 of these are left).
LOW_STOCK_THRESHOLDS = [("BRW-DRIP-BLK", 3)]
#: The sold-out variant the demo customer waits for.
AWAITED_SKU = "COF-KEN-250"


def add_demo_stock_alerts(customer) -> None:
    """A low-stock threshold (the next sale of the black dripper emails staff) and the demo customer's
    "tell me when it is back" for the sold-out Kenya."""
    for sku, threshold in LOW_STOCK_THRESHOLDS:
        Variant.objects.filter(sku=sku, low_stock_threshold=None).update(low_stock_threshold=threshold)
    awaited = Variant.objects.filter(sku=AWAITED_SKU).first()
    if awaited is not None:
        with suppress(SubscribeRefused):  # restocked since: nothing to wait for
            subscribe(awaited.pk, customer.email)
