from .agencies import Agency, AgencyGroup
from .calendar import CalendarDay
from .documents import Directive, Plan, Section
from .reorganisation import AgencyLineage, ReorganisationChange, ReorganisationDecision, UserMove
from .users import User

__all__ = [
    "Agency",
    "AgencyGroup",
    "AgencyLineage",
    "CalendarDay",
    "Directive",
    "Plan",
    "ReorganisationChange",
    "ReorganisationDecision",
    "Section",
    "User",
    "UserMove",
]
