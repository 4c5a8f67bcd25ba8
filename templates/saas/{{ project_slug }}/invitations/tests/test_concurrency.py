"""Two invitees accept at the same moment when one seat is left, on a real PostgreSQL database.

Each thread has its own connection. Acceptance locks the organisation row before counting members, so
exactly one joins and the other is told there is no free seat. Skipped on SQLite, which serialises
writers anyway: run it with ``DATABASE_URL=postgres://…`` (the CI workflow does).
"""

import threading

import pytest
from django.db import connection, connections

from ...organizations.exceptions import PlanLimitReached
from ...organizations.models import Membership
from ...organizations.permissions import Role
from ...organizations.tests.factories import InvitationFactory, MembershipFactory, OrganizationFactory
from ...users.tests.factories import UserFactory
from .. import services
from ..tokens import make_token


@pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL's concurrent transactions")
@pytest.mark.django_db(transaction=True)
def test_two_acceptances_of_the_last_seat_give_one_member():
    organization = OrganizationFactory(plan="free")  # 3 seats
    MembershipFactory(organization=organization, role=Role.OWNER)
    MembershipFactory(organization=organization)
    # Sent while the plan was larger: two invitations for the one seat left.
    invitations = [InvitationFactory(organization=organization) for _ in range(2)]
    invitees = [UserFactory(email=invitation.email) for invitation in invitations]
    start = threading.Barrier(len(invitations), timeout=30)
    results: list[str] = []
    lock = threading.Lock()

    def accept(invitation, user) -> None:
        try:
            start.wait()
            services.accept(token=make_token(invitation), user=user)
            outcome = "joined"
        except PlanLimitReached:
            outcome = "no seat"
        except Exception as error:
            outcome = f"error: {error!r}"
        finally:
            connections.close_all()
        with lock:
            results.append(outcome)

    threads = [threading.Thread(target=accept, args=pair) for pair in zip(invitations, invitees, strict=True)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert sorted(results) == ["joined", "no seat"], results
    assert Membership.objects.filter(organization=organization).count() == 3
