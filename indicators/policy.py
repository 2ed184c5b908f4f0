"""Who reads and changes indicators: the rows rules of this app, registered with the one policy mechanism.

An indicator is read where its plan is: anyone reads those of published plans and the province-wide
indices; province roles read all; officers and heads also read the indicators their agency reports.
Only administrators change definitions and published values; reported values go through reports.
"""

from django.db.models import Q

from plans.choices import Role
from vinhlong_cmcn4 import policy


def _public_q(prefix: str = "") -> Q:
    from plans.models import Plan

    public_plans = Plan.objects.filter(policy._public_plans()).values("pk")
    return Q(**{f"{prefix}scope": "province"}) | Q(**{f"{prefix}plan__in": public_plans}) | Q(**{f"{prefix}named_by__in": public_plans})


def _indicator_rule(prefix: str):
    def rule(user, role, action) -> Q:
        if action == policy.VIEW:
            if role in policy.PROVINCE_ROLES:
                return policy.EVERYTHING
            seen = _public_q(prefix)
            if role in policy.AGENCY_ROLES:
                seen |= Q(**{f"{prefix}agency": user.agency_id})
            return seen
        return policy.EVERYTHING if role == Role.ADMIN else policy.NOTHING

    return rule


RULES = {
    "indicators.indicator": _indicator_rule(""),
    "indicators.indicatortarget": _indicator_rule("indicator__"),
    "indicators.indicatorvalue": _indicator_rule("indicator__"),
}
FANS_OUT = {"indicators.indicator", "indicators.indicatortarget", "indicators.indicatorvalue"}  # named_by is to-many


def register() -> None:
    """Add this app's rules to the policy every page, API view and export asks (``policy.restrict``)."""
    policy.RULES.update(RULES)
    policy.FANS_OUT = policy.FANS_OUT | FANS_OUT
