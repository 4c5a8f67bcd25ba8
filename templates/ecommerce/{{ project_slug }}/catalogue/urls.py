from django.urls import path

from . import views

app_name = "catalogue"
urlpatterns = [
    path("", views.ProductListView.as_view(), name="product_list"),
    path("products/<slug:slug>/", views.ProductDetailView.as_view(), name="product_detail"),
    path("products/<slug:slug>/back-in-stock/", views.back_in_stock, name="back_in_stock"),
    path(
        "back-in-stock/unsubscribe/<str:token>/",
        views.back_in_stock_unsubscribe,
        name="back_in_stock_unsubscribe",
    ),
]
