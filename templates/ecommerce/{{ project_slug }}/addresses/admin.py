from django.contrib import admin

from .models import Address


@admin.register(Address)
class AddressAdmin(admin.ModelAdmin):
    list_display = ("__str__", "user", "is_default", "created_at")
    list_filter = ("is_default", "country")
    search_fields = ("full_name", "address_line1", "postcode", "city", "user__username", "user__email")
    list_select_related = ("user",)
    raw_id_fields = ("user",)
