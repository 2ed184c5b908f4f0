from django.conf import settings

from plans import policy
from reports.filters import ANSWERED, AgencyTaskFilter
from reports.views.work import my_work
from reports.worklist import work_count


def portal(request) -> dict:
    """Portal name, and the pages they may open (``policy.PAGES``), for every template."""
    user = getattr(request, "user", None)
    return {
        "PORTAL_NAME": settings.PORTAL_NAME,
        "PORTAL_OWNER": settings.PORTAL_OWNER,
        "pages": {page: policy.may_open(user, page) for page in policy.PAGES},
        # "Việc cần xử lý" in the menu: computed only when a page shows it, once per request (reports.worklist)
        "work_count": lambda: work_count(my_work(request)),
        "work_items": lambda: my_work(request),
        # "Việc của tôi": the parts one carries and those nobody carries (the whole agency's), as the work list counts them
        "my_tasks_url": AgencyTaskFilter.url(mine=ANSWERED),
    }
