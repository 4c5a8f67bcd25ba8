"""System checks (run by ``runserver``, ``migrate`` and ``check``): card payments listed in
``SHOP_PAYMENT_METHODS`` without their Stripe keys stop the shop at start-up with the reason, instead of
failing at the first customer's checkout or refusing every webhook."""

from django.conf import settings
from django.core.checks import Error, register

from .stripe_payments import StripeCheckout


@register()
def check_stripe_settings(app_configs, **kwargs) -> list[Error]:
    if StripeCheckout.code not in settings.SHOP_PAYMENT_METHODS:
        return []
    errors = []
    if not settings.SHOP_STRIPE_SECRET_KEY:
        errors.append(
            Error(
                "SHOP_PAYMENT_METHODS offers card payments (stripe) but SHOP_STRIPE_SECRET_KEY is empty.",
                hint="Set SHOP_STRIPE_SECRET_KEY in .env (sk_test_… while testing), or remove stripe.",
                id="shop.E010",
            )
        )
    if not settings.SHOP_STRIPE_WEBHOOK_SECRET:
        errors.append(
            Error(
                "SHOP_PAYMENT_METHODS offers card payments (stripe) but SHOP_STRIPE_WEBHOOK_SECRET is empty: "
                "no payment could be confirmed.",
                hint="Set it to the signing secret (whsec_…) of the endpoint /orders/stripe/webhook/.",
                id="shop.E011",
            )
        )
    return errors
