"""The customer's address book (add, edit, delete, make default). Another customer's address is a 404."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from ..core.in_place import answer
from . import book
from .forms import AddressForm
from .models import Address


def _book_context(request: HttpRequest) -> dict[str, object]:
    return {"addresses": list(book.addresses_of(request.user))}


@login_required
def address_list(request: HttpRequest) -> HttpResponse:
    return render(request, "addresses/address_list.html", _book_context(request))


@login_required
def address_form(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    """Add an address (``pk`` is ``None``) or edit one of the customer's own."""
    address = get_object_or_404(Address, pk=pk, user=request.user) if pk else Address(user=request.user)
    form = AddressForm(request.POST or None, instance=address)
    if request.method == "POST" and form.is_valid():
        book.save(form.save(commit=False), make_default=form.cleaned_data["make_default"])
        messages.success(request, "The address was saved.")
        return redirect("addresses:list")
    status = 400 if request.method == "POST" else 200
    return render(request, "addresses/address_form.html", {"form": form, "address": address}, status=status)


@login_required
@require_POST
def make_default(request: HttpRequest, pk: int) -> HttpResponse:
    address = book.make_default(get_object_or_404(Address, pk=pk, user=request.user))
    return answer(
        request,
        "addresses/partials/book.html",
        _book_context(request),
        redirect_to=reverse("addresses:list"),
        message=f"{address} is your default address now.",
    )


@login_required
@require_POST
def delete(request: HttpRequest, pk: int) -> HttpResponse:
    address = get_object_or_404(Address, pk=pk, user=request.user)
    book.delete(address)
    return answer(
        request,
        "addresses/partials/book.html",
        _book_context(request),
        redirect_to=reverse("addresses:list"),
        message="The address was deleted.",
    )
