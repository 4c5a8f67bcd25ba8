from django.urls import path

from . import views

app_name = "cart"
urlpatterns = [
    path("", views.cart_detail, name="detail"),
    path("add/<slug:slug>/", views.add_to_cart, name="add"),
    path("lines/<int:pk>/", views.update_line, name="update_line"),
    path("voucher/", views.apply_voucher, name="apply_voucher"),
    path("voucher/remove/", views.remove_voucher, name="remove_voucher"),
]
