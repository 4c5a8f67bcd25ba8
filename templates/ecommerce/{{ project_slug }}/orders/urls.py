from django.urls import path

from . import stripe_webhooks, views, webhooks

app_name = "orders"
urlpatterns = [
    path("checkout/", views.checkout, name="checkout"),
    path("orders/", views.OrderListView.as_view(), name="list"),
    path("orders/<int:pk>/", views.OrderDetailView.as_view(), name="detail"),
    path("orders/<int:pk>/invoice/", views.InvoiceView.as_view(), name="invoice"),
    path("orders/<int:pk>/cancel/", views.cancel_order, name="cancel"),
    path("orders/<int:pk>/return/", views.return_order, name="return"),
    path("orders/guest/<str:token>/", views.guest_order_detail, name="guest_detail"),
    path("orders/guest/<str:token>/invoice/", views.guest_invoice, name="guest_invoice"),
    path("orders/guest/<str:token>/return/", views.guest_return_order, name="guest_return"),
    path("payments/webhook/", webhooks.payment_webhook, name="payment_webhook"),
    path("orders/stripe/webhook/", stripe_webhooks.stripe_webhook, name="stripe_webhook"),
]
