"""The plans, in code: limits and feature flags. ``entitlements.py`` is the one place that checks them."""

from dataclasses import dataclass
from enum import StrEnum


class Feature(StrEnum):
    API_KEYS = "api_keys"


@dataclass(frozen=True)
class Plan:
    code: str
    name: str
    seats: int  # members plus pending invitations
    projects: int
    features: frozenset[Feature]


FREE = Plan(code="free", name="Free", seats=3, projects=3, features=frozenset())
PRO = Plan(code="pro", name="Pro", seats=25, projects=100, features=frozenset({Feature.API_KEYS}))
PLANS: dict[str, Plan] = {plan.code: plan for plan in (FREE, PRO)}
