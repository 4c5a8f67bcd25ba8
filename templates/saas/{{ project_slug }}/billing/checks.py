"""System checks of the billing settings: a bad value is reported at start-up, not at the first signup."""

from django.conf import settings
from django.core import checks

from .plans import PLANS


@checks.register(checks.Tags.compatibility)
def check_trial_settings(app_configs, **kwargs) -> list[checks.CheckMessage]:
    if settings.BILLING_TRIAL_DAYS < 0:
        return [checks.Error("BILLING_TRIAL_DAYS must be 0 (no trial) or more.", id="billing.E001")]
    plan = PLANS.get(settings.BILLING_TRIAL_PLAN)
    if settings.BILLING_TRIAL_DAYS and (plan is None or not plan.is_paid):
        paid = ", ".join(code for code, plan in PLANS.items() if plan.is_paid)
        return [
            checks.Error(
                f"BILLING_TRIAL_PLAN is '{settings.BILLING_TRIAL_PLAN}': name a paid plan ({paid}).",
                id="billing.E002",
            )
        ]
    return []
