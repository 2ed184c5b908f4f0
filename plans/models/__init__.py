from .agencies import Agency, AgencyGroup
from .documents import Directive, Plan, Section
from .users import User

__all__ = ["Agency", "AgencyGroup", "Directive", "Plan", "Section", "User"]
