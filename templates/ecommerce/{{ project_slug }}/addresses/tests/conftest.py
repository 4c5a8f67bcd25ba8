# The shop's checkout fixtures (a customer, their filled cart, a shipping method), for the checkout tests.
from ...orders.tests.conftest import customer, filled_cart, shipping, variant  # noqa: F401
