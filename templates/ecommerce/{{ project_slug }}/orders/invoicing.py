"""Invoice numbers: gap-free per year (``2026-000001``, ``2026-000002``…), given when an order is paid.

The tax authorities of many countries ask for invoice numbers without gaps, so the number is not the
order's primary key (a checkout that rolls back uses one up). Each year has one ``InvoiceCounter`` row; it
is locked (``select_for_update``) while the next number is taken, in the transaction that marks the order
paid: payments wait for each other only there, and a payment that rolls back rolls the counter back too,
so it uses no number. (year, sequence) is unique on ``Order``: the database refuses a number given twice.
"""

from __future__ import annotations

from datetime import datetime

from django.db import transaction
from django.utils import timezone

from .models import InvoiceCounter, Order


def invoice_year(when: datetime) -> int:
    """The invoice year of a payment at ``when``: the year in the shop's time zone (``TIME_ZONE``)."""
    return timezone.localtime(when).year if timezone.is_aware(when) else when.year


@transaction.atomic
def number_invoice(order: Order, paid_at: datetime) -> bool:
    """Give ``order`` (locked by the caller, being marked paid) the next invoice number of ``paid_at``'s
    year; ``False`` when it has one already (an order is invoiced once)."""
    if order.invoice_sequence is not None:
        return False
    year = invoice_year(paid_at)
    # The year's first payment creates its row; a concurrent first payment waits for that insert, then
    # finds the row (ON CONFLICT DO NOTHING), so both go on to lock the same row.
    InvoiceCounter.objects.bulk_create([InvoiceCounter(year=year)], ignore_conflicts=True)
    counter = InvoiceCounter.objects.select_for_update().get(year=year)  # the next payment waits here
    counter.last += 1
    counter.save(update_fields=["last"])
    order.invoice_year, order.invoice_sequence = year, counter.last
    Order.objects.filter(pk=order.pk).update(invoice_year=year, invoice_sequence=order.invoice_sequence)
    return True
