from django.urls import path

from .views import readyz

urlpatterns = [path("readyz/", readyz, name="readyz")]
