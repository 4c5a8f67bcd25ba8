from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from .models import CartLine
from .services import SESSION_KEY


def _item_count(request: HttpRequest) -> int:
    if request.user.is_authenticated:
        lines = CartLine.objects.filter(cart__user=request.user)
    elif cart_id := request.session.get(SESSION_KEY):
        lines = CartLine.objects.filter(cart_id=cart_id, cart__user=None)
    else:
        return 0
    return sum(lines.values_list("quantity", flat=True))


def cart(request: HttpRequest) -> dict[str, SimpleLazyObject]:
    """``cart_count`` for the header: how many items the cart holds (one query, only when shown)."""
    return {"cart_count": SimpleLazyObject(lambda: _item_count(request))}
