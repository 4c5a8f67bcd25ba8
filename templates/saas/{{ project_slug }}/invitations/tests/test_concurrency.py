"""Two invitees accept at the same moment when one seat is left, on a real PostgreSQL database.

Each thread has its own connection (see ``core.tests.concurrency``). Acceptance locks the organisation
row before counting members, so exactly one joins and the other is told there is no free seat. Skipped
on SQLite, which serialises writers anyway: run it with ``DATABASE_URL=postgres://…`` (the CI workflow
does).
"""

from functools import partial

import pytest

from ...core.tests.concurrency import postgresql_only, run_all_at_once
from ...organizations.exceptions import PlanLimitReached
from ...organizations.models import Membership
from ...organizations.permissions import Role
from ...organizations.tests.factories import InvitationFactory, MembershipFactory, OrganizationFactory
from ...users.tests.factories import UserFactory
from .. import services
from ..tokens import make_token


@postgresql_only
@pytest.mark.django_db(transaction=True)
def test_two_acceptances_of_the_last_seat_give_one_member():
    organization = OrganizationFactory(plan="free")  # 3 seats
    MembershipFactory(organization=organization, role=Role.OWNER)
    MembershipFactory(organization=organization)
    # Sent while the plan was larger: two invitations for the one seat left.
    invitations = [InvitationFactory(organization=organization) for _ in range(2)]
    invitees = [UserFactory(email=invitation.email) for invitation in invitations]

    def accept(invitation, user) -> str:
        services.accept(token=make_token(invitation), user=user)
        return "joined"

    results = run_all_at_once([partial(accept, *pair) for pair in zip(invitations, invitees, strict=True)])
    outcomes = ["no seat" if isinstance(result, PlanLimitReached) else result for result in results]
    assert sorted(outcomes, key=str) == ["joined", "no seat"], results
    assert Membership.objects.filter(organization=organization).count() == 3
