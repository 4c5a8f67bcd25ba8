from decimal import Decimal

import factory

from ..models import Voucher

__all__ = ["VoucherFactory"]


class VoucherFactory(factory.django.DjangoModelFactory):
    """10 % off, no minimum, valid now and forever, once per customer, no total limit."""

    class Meta:
        model = Voucher

    code = factory.Sequence(lambda n: f"SAVE{n}")
    kind = Voucher.Kind.PERCENTAGE
    value = Decimal(10)
