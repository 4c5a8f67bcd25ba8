"""The one permission table: what each role may do in its organisation.

Every view, form, admin path and API call asks ``can(role, action)`` (or a helper below built on it);
nothing else decides. ``tests/test_permissions.py`` checks the whole table.
"""

from enum import StrEnum

from django.db import models


class Role(models.TextChoices):
    OWNER = "owner", "Owner"
    ADMIN = "admin", "Admin"
    MEMBER = "member", "Member"


class Action(StrEnum):
    VIEW_PROJECTS = "view_projects"
    EDIT_PROJECTS = "edit_projects"  # create and edit projects and their tasks
    DELETE_PROJECTS = "delete_projects"
    INVITE_MEMBERS = "invite_members"
    MANAGE_MEMBERS = "manage_members"  # change roles of admins and members, remove them
    MANAGE_OWNERS = "manage_owners"  # make owners, change or remove an owner
    MANAGE_API_KEYS = "manage_api_keys"
    VIEW_AUDIT_LOG = "view_audit_log"
    MANAGE_SETTINGS = "manage_settings"
    MANAGE_BILLING = "manage_billing"
    DELETE_ORGANIZATION = "delete_organization"


PERMISSIONS: dict[Role, frozenset[Action]] = {
    Role.OWNER: frozenset(Action),
    Role.ADMIN: frozenset(Action) - {Action.MANAGE_OWNERS, Action.MANAGE_BILLING, Action.DELETE_ORGANIZATION},
    Role.MEMBER: frozenset({Action.VIEW_PROJECTS, Action.EDIT_PROJECTS}),
}


def can(role: str | None, action: Action) -> bool:
    """May someone with ``role`` (``None``: not a member) do ``action``?"""
    return role is not None and action in PERMISSIONS.get(Role(role), frozenset())


def allowed_actions(role: str | None) -> frozenset[str]:
    """Every action ``role`` may do, as strings (for templates: ``{% if "manage_members" in org_can %}``)."""
    return frozenset(action.value for action in Action if can(role, action))


def assignable_roles(role: str | None) -> list[Role]:
    """The roles someone with ``role`` may give to others (in invitations and role changes)."""
    if can(role, Action.MANAGE_OWNERS):
        return [Role.OWNER, Role.ADMIN, Role.MEMBER]
    if can(role, Action.MANAGE_MEMBERS):
        return [Role.ADMIN, Role.MEMBER]
    return []


def can_manage_member(actor_role: str | None, target_role: str) -> bool:
    """May ``actor_role`` change the role of, or remove, a member whose role is ``target_role``?"""
    if target_role == Role.OWNER:
        return can(actor_role, Action.MANAGE_OWNERS)
    return can(actor_role, Action.MANAGE_MEMBERS)
