from django.urls import path

from . import converters, views  # noqa: F401  (converters registers <id:…>)

app_name = "organizations"
urlpatterns = [
    path("orgs/new/", views.OrganizationCreateView.as_view(), name="create"),
    path("orgs/switch/", views.switch, name="switch"),
    path("account/delete/", views.DeleteAccountView.as_view(), name="delete_account"),
    # Under /o/<slug>/: OrganizationMiddleware resolves the organisation and checks membership.
    path("o/<slug:org_slug>/", views.DashboardView.as_view(), name="dashboard"),
    path("o/<slug:org_slug>/members/", views.MembersView.as_view(), name="members"),
    path("o/<slug:org_slug>/members/<id:pk>/role/", views.change_role, name="change_role"),
    path("o/<slug:org_slug>/members/<id:pk>/remove/", views.remove_member, name="remove_member"),
    path("o/<slug:org_slug>/settings/", views.SettingsView.as_view(), name="settings"),
    path(
        "o/<slug:org_slug>/settings/two-factor/",
        views.two_factor_requirement,
        name="two_factor_requirement",
    ),
    path("o/<slug:org_slug>/delete/", views.DeleteOrganizationView.as_view(), name="delete"),
]
