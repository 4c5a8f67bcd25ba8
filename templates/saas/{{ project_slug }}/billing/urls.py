from django.urls import path

from . import views

app_name = "billing"
urlpatterns = [
    path("billing/webhook/", views.webhook, name="webhook"),
    path("o/<slug:org_slug>/billing/", views.BillingView.as_view(), name="overview"),
    path("o/<slug:org_slug>/billing/checkout/", views.CheckoutView.as_view(), name="checkout"),
]
