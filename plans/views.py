"""The public agency registry: every agency of the province, current and ceased, with its lineage."""

from django.contrib.auth.decorators import login_not_required
from django.utils import timezone
from django.utils.decorators import method_decorator
from django.utils.translation import gettext as _
from django.views.generic import TemplateView

from core import columns
from core.paging import PER_PAGE, SharedCountPaginator
from plans import policy

from .columns import registry_columns
from .filters import AgencyRegistryFilter
from .selectors import agency_registry, holders_on


@method_decorator(login_not_required, name="dispatch")
class AgencyRegistryView(policy.PageRequiredMixin, TemplateView):
    """``/co-quan/``: filter by text without diacritics, current or ceased, kind; a page of rows at a time, as every list;
    ``?format=xlsx`` exports every row the filters choose (all pages)."""

    page = policy.REGISTRY
    template_name = "plans/agency_registry.html"

    def get(self, request, *args, **kwargs):
        data = request.GET.copy()
        for name in ("page", "format"):
            data.pop(name, None)
        filterset = AgencyRegistryFilter(data or None, queryset=agency_registry())
        today = timezone.localdate()
        spec = registry_columns(holders_on(as_of=today))
        if columns.wants_xlsx(request):
            rows = list(filterset.qs)
            return columns.xlsx("danh-muc-co-quan.xlsx", _("Agencies"), spec, rows, filters=filterset, request=request)
        # 300 agencies at once were most of the page's time (their cells, lineage and template): 50 a page, as every list.
        paginator = SharedCountPaginator(filterset.qs, PER_PAGE)
        page = paginator.get_page(request.GET.get("page"))
        context = self.get_context_data(
            filter=filterset,
            columns=spec,
            page=page,
            rows=columns.html_rows(spec, page),
            total=paginator.count,
            query=data.urlencode(),
            today=today,
        )
        return self.render_to_response(context)
