from .agencies import Agency, AgencyGroup, AgencyMembership
from .calendar import CalendarDay
from .documents import Directive, Plan, Section
from .reorganisation import AgencyLineage, ReorganisationChange, ReorganisationDecision, UserMove
from .users import StandIn, User

__all__ = [
    "StandIn",
    "Agency",
    "AgencyGroup",
    "AgencyLineage",
    "AgencyMembership",
    "CalendarDay",
    "Directive",
    "Plan",
    "ReorganisationChange",
    "ReorganisationDecision",
    "Section",
    "User",
    "UserMove",
]
