"""The public agency registry: every agency of the province, current and ceased, with its lineage."""

from django.contrib.auth.decorators import login_not_required
from django.utils import timezone
from django.utils.decorators import method_decorator
from django.utils.translation import gettext as _
from django.views.generic import TemplateView

from core import columns
from plans import policy

from .columns import registry_columns
from .filters import AgencyRegistryFilter
from .selectors import agency_registry, holders_on


@method_decorator(login_not_required, name="dispatch")
class AgencyRegistryView(policy.PageRequiredMixin, TemplateView):
    """``/co-quan/``: filter by text without diacritics, current or ceased, kind; ``?format=xlsx`` exports what is shown."""

    page = policy.REGISTRY
    template_name = "plans/agency_registry.html"

    def get(self, request, *args, **kwargs):
        filterset = AgencyRegistryFilter(request.GET or None, queryset=agency_registry())
        today = timezone.localdate()
        spec = registry_columns(holders_on(as_of=today))
        rows = list(filterset.qs)
        if request.GET.get("format") == "xlsx":
            return columns.xlsx("danh-muc-co-quan.xlsx", _("Agencies"), spec, rows, filters=filterset, request=request)
        query = request.GET.copy()
        query.pop("format", None)
        context = self.get_context_data(
            filter=filterset, columns=spec, rows=columns.html_rows(spec, rows), total=len(rows), query=query.urlencode(), today=today
        )
        return self.render_to_response(context)
