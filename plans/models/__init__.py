from .agencies import Agency, AgencyGroup
from .calendar import CalendarDay
from .documents import Directive, Plan, Section
from .users import User

__all__ = ["Agency", "AgencyGroup", "CalendarDay", "Directive", "Plan", "Section", "User"]
