from django.urls import path

from . import views, webhooks

app_name = "orders"
urlpatterns = [
    path("checkout/", views.checkout, name="checkout"),
    path("orders/", views.OrderListView.as_view(), name="list"),
    path("orders/<int:pk>/", views.OrderDetailView.as_view(), name="detail"),
    path("orders/<int:pk>/invoice/", views.InvoiceView.as_view(), name="invoice"),
    path("orders/<int:pk>/cancel/", views.cancel_order, name="cancel"),
    path("payments/webhook/", webhooks.payment_webhook, name="payment_webhook"),
]
