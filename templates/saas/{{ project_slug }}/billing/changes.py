"""Plan changes an owner may ask for: upgrade, downgrade or cancel, and the flow each takes.

Nothing here changes the subscription. ``request_url`` asks the provider (``providers.py``) where to send
the owner; the provider confirms through the signed webhook, which alone moves the subscription. A
downgrade (a cheaper plan, or cancelling, which returns to the free plan) is refused while the
organisation uses more seats or projects than the cheaper plan includes. During the trial given at
creation nothing is paid for yet: every paid plan, the one on trial included, starts at the checkout.
"""

from dataclasses import dataclass
from enum import StrEnum

from .models import Subscription
from .plans import FREE, PLANS, Plan
from .providers import BillingProvider, BillingUnavailable


class PlanChangeRefused(Exception):
    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class Move(StrEnum):
    CURRENT = "current"
    UPGRADE = "upgrade"
    DOWNGRADE = "downgrade"
    CANCEL = "cancel"  # to the free plan: the paid subscription ends


@dataclass(frozen=True)
class Offer:
    """One plan as the plans page shows it to this organisation."""

    plan: Plan
    move: Move
    #: Why this move is refused now (the organisation's usage exceeds the plan); empty: allowed.
    refusal: str = ""
    #: The plan the organisation is trying now (the trial given at creation, still running).
    on_trial: bool = False

    @property
    def label(self) -> str:
        if self.move is Move.CANCEL:
            return "Cancel subscription"
        if self.on_trial:
            return f"Subscribe to {self.plan.name}"
        return f"{self.move.value.capitalize()} to {self.plan.name}"


def _move(current: Plan, target: Plan) -> Move:
    if target == current:
        return Move.CURRENT
    if not target.is_paid:
        return Move.CANCEL
    return Move.UPGRADE if target.monthly_price > current.monthly_price else Move.DOWNGRADE


def _refusal(organization, usage: dict, plan: Plan) -> str:
    over = []
    if usage["seats"] > plan.seats:
        over.append(f"{usage['seats']} seats (members and pending invitations) against its {plan.seats}")
    if usage["projects"] > plan.projects:
        over.append(f"{usage['projects']} projects against its {plan.projects}")
    if not over:
        return ""
    return (
        f"{organization.name} uses more than the {plan.name} plan includes: {' and '.join(over)}. "
        "Remove members, revoke invitations or delete projects first."
    )


def _trial_plan(organization) -> Plan | None:
    """The plan of the trial given at creation while it runs; ``None`` otherwise."""
    subscription = getattr(organization, "subscription", None)
    if subscription is None or not subscription.trial_days_left:
        return None
    return PLANS[subscription.plan]


def offers(organization, usage: dict) -> list[Offer]:
    """Every plan, cheapest first, with the move to it and, for a downgrade, why it is refused. During a
    trial, moves count from the free plan (nothing is paid for yet)."""
    trial = _trial_plan(organization)
    current = FREE if trial is not None else usage["plan"]
    result = []
    for plan in PLANS.values():
        move = _move(current, plan)
        refusal = _refusal(organization, usage, plan) if move in (Move.DOWNGRADE, Move.CANCEL) else ""
        result.append(Offer(plan=plan, move=move, refusal=refusal, on_trial=plan == trial))
    return result


def choose(organization, usage: dict, code: str) -> Offer:
    """The offer for the plan ``code``; ``PlanChangeRefused`` with the reason if it cannot be asked for."""
    for offer in offers(organization, usage):
        if offer.plan.code == code:
            break
    else:
        raise PlanChangeRefused("Choose one of the plans listed.")
    if offer.move is Move.CURRENT and _trial_plan(organization) is not None:
        raise PlanChangeRefused(
            f"{organization.name}'s trial ends by itself: there is nothing to cancel, and the free plan's "
            "limits apply from then on."
        )
    if offer.move is Move.CURRENT:
        raise PlanChangeRefused(f"{organization.name} is already on the {offer.plan.name} plan.")
    if offer.refusal:
        raise PlanChangeRefused(offer.refusal)
    return offer


def request_url(
    provider: BillingProvider | None, organization, subscription: Subscription, offer: Offer
) -> str:
    """Where the provider takes the owner to confirm ``offer``; ``BillingUnavailable`` if it cannot."""
    if provider is None:
        raise BillingUnavailable(
            "Billing is not configured yet: set BILLING_CHECKOUT_URL, or STRIPE_SECRET_KEY with Stripe."
        )
    if offer.move is Move.CANCEL:
        return provider.cancel_url(organization, subscription)
    if not subscription.is_live_paid:  # no paid subscription runs at the provider: start one
        return provider.checkout_url(organization, offer.plan)
    return provider.change_plan_url(organization, subscription, offer.plan)
