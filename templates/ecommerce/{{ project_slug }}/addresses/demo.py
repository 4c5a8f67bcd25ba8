"""Demo address book for ``load_demo_data``: a home address (the default, as on the demo orders) and a work
address, so the address book and checkout's choice of address have something to show."""

from __future__ import annotations

from . import book
from .models import Address

ADDRESSES = [
    {"label": "Home", "full_name": "Demo Customer", "address_line1": "1 Market Street", "postcode": "10115",
     "city": "Berlin", "country": "Germany"},
    {"label": "Work", "full_name": "Demo Customer", "address_line1": "Friedrichstraße 100",
     "address_line2": "3rd floor", "postcode": "10117", "city": "Berlin", "country": "Germany"},
]  # fmt: skip


def add_demo_addresses(customer) -> int:
    """Give ``customer`` the demo addresses unless they have some already; how many were added."""
    if book.addresses_of(customer).exists():
        return 0
    for fields in ADDRESSES:
        book.save(Address(user=customer, **fields))
    return len(ADDRESSES)
