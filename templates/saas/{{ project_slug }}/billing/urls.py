from django.urls import path

from . import views

app_name = "billing"
urlpatterns = [
    path("billing/webhook/", views.webhook, name="webhook"),
    path("billing/stripe/webhook/", views.stripe_webhook, name="stripe_webhook"),
    path("o/<slug:org_slug>/billing/", views.BillingView.as_view(), name="overview"),
    path("o/<slug:org_slug>/billing/change/", views.ChangePlanView.as_view(), name="change"),
    path("o/<slug:org_slug>/billing/manage/", views.ManageBillingView.as_view(), name="manage"),
]
