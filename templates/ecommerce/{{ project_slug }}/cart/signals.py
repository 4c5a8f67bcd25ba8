"""At login, a visitor's cart joins the customer's cart. ``user_logged_in`` is sent by
``django.contrib.auth.login()``, which django-allauth calls too, so this works with either."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver
from django.http import HttpRequest

from .models import Cart
from .services import SESSION_KEY, merge


@receiver(user_logged_in, dispatch_uid="cart_merge_at_login")
def merge_visitor_cart(sender: Any, request: HttpRequest | None, user: Any, **kwargs: Any) -> None:
    if request is None or not hasattr(request, "session"):
        return
    cart_id = request.session.pop(SESSION_KEY, None)
    visitor_cart = Cart.objects.filter(pk=cart_id, user=None).first() if cart_id else None
    if visitor_cart is None:
        return
    customer_cart = Cart.objects.get_or_create(user=user)[0]
    for note in merge(visitor_cart, customer_cart):
        if hasattr(request, "_messages"):
            messages.warning(request, note)
