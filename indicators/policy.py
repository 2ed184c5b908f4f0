"""Who reads and changes indicators: this app's row rules, registered with ``plans.policy`` (imported by ``apps.ready``).

An indicator is read where its plan is: anyone reads those of published plans and the province-wide
indices; province roles read all; officers and heads also read the indicators their agency reports.
Only administrators change definitions and published values; reported values go through reports.
"""

from django.db.models import Q

from plans import policy
from plans.choices import Role


def _public_q(prefix: str = "") -> Q:
    from plans.models import Plan

    public_plans = Plan.objects.filter(policy.public_plans()).values("pk")
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


policy.rules_register(
    {
        "indicators.indicator": _indicator_rule(""),
        "indicators.indicatortarget": _indicator_rule("indicator__"),
        "indicators.indicatorvalue": _indicator_rule("indicator__"),
    },
    # named_by is to-many: the rule could repeat rows
    fans_out=frozenset({"indicators.indicator", "indicators.indicatortarget", "indicators.indicatorvalue"}),
)
