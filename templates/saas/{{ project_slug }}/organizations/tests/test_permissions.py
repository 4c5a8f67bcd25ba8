"""The permission table, cell by cell: every role with every action."""

import pytest

from ..permissions import Action, Role, allowed_actions, assignable_roles, can, can_manage_member

OWN, ADM, MEM = Role.OWNER, Role.ADMIN, Role.MEMBER
EXPECTED = {
    Action.VIEW_PROJECTS: {OWN, ADM, MEM},
    Action.EDIT_PROJECTS: {OWN, ADM, MEM},
    Action.DELETE_PROJECTS: {OWN, ADM},
    Action.INVITE_MEMBERS: {OWN, ADM},
    Action.MANAGE_MEMBERS: {OWN, ADM},
    Action.MANAGE_OWNERS: {OWN},
    Action.MANAGE_API_KEYS: {OWN, ADM},
    Action.VIEW_AUDIT_LOG: {OWN, ADM},
    Action.MANAGE_SETTINGS: {OWN, ADM},
    Action.MANAGE_BILLING: {OWN},
    Action.DELETE_ORGANIZATION: {OWN},
}


def test_every_action_has_an_expected_row():
    assert set(EXPECTED) == set(Action)


@pytest.mark.parametrize("action", list(Action))
@pytest.mark.parametrize("role", list(Role))
def test_role_action_table(role, action):
    assert can(role, action) is (role in EXPECTED[action])


@pytest.mark.parametrize("action", list(Action))
def test_non_members_can_do_nothing(action):
    assert can(None, action) is False


def test_allowed_actions_for_templates():
    assert allowed_actions(Role.MEMBER) == {"view_projects", "edit_projects"}
    assert allowed_actions(None) == frozenset()


def test_assignable_roles():
    assert assignable_roles(OWN) == [OWN, ADM, MEM]
    assert assignable_roles(ADM) == [ADM, MEM]
    assert assignable_roles(MEM) == []


@pytest.mark.parametrize(
    ("actor", "target", "allowed"),
    [
        (OWN, OWN, True),
        (OWN, ADM, True),
        (OWN, MEM, True),
        (ADM, OWN, False),
        (ADM, ADM, True),
        (ADM, MEM, True),
        (MEM, MEM, False),
    ],
)
def test_who_manages_whom(actor, target, allowed):
    assert can_manage_member(actor, target) is allowed
