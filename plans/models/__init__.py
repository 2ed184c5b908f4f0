from .agencies import Agency, AgencyGroup
from .documents import Directive, Plan, Section
from .reorganisation import AgencyLineage, ReorganisationChange, ReorganisationDecision, UserMove
from .users import User

__all__ = [
    "Agency",
    "AgencyGroup",
    "AgencyLineage",
    "Directive",
    "Plan",
    "ReorganisationChange",
    "ReorganisationDecision",
    "Section",
    "User",
    "UserMove",
]
