"""The public list of issued summaries: the documents of record of every public plan, with filters and downloads."""

import csv

from django.contrib.auth.decorators import login_not_required
from django.http import StreamingHttpResponse
from django.utils.decorators import method_decorator
from django.utils.translation import gettext as _
from django.views.generic import TemplateView

from core import columns
from core.spreadsheets import neutralise

from ..columns import PUBLIC_SUMMARIES
from ..filters import PublicSummaryFilter
from ..selectors import summaries_published
from .listing import page_of, wants_xlsx


class _Line:
    def write(self, text: str) -> str:
        return text


def _csv(filename: str, title: str, filterset) -> StreamingHttpResponse:
    """The list as CSV (UTF-8 with a BOM, so Excel reads the diacritics; formulas neutralised), under the line naming its filters."""
    writer = csv.writer(_Line())

    def lines():
        yield "\ufeff" + writer.writerow([columns.export_heading(title, filterset)])
        yield writer.writerow([str(header) for header in columns.headers(PUBLIC_SUMMARIES)])
        for row in columns.values(PUBLIC_SUMMARIES, filterset.qs):
            yield writer.writerow([neutralise(columns.day(cell) if hasattr(cell, "strftime") else cell) for cell in row])

    response = StreamingHttpResponse(lines(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@method_decorator(login_not_required, name="dispatch")
class PublicSummaryListView(TemplateView):
    """Every issued and signed summary of the public plans, as anyone may read it."""

    template_name = "reports/public_summaries.html"

    def get(self, request, *args, **kwargs):
        filterset = PublicSummaryFilter(request.GET or None, queryset=summaries_published())
        title = _("Issued summaries")
        if wants_xlsx(request):
            return columns.xlsx("bao-cao-tong-hop-da-ban-hanh.xlsx", title, PUBLIC_SUMMARIES, filterset.qs, filters=filterset)
        if request.GET.get("format") == "csv":
            return _csv("bao-cao-tong-hop-da-ban-hanh.csv", title, filterset)
        page, query = page_of(request, filterset.qs)
        return self.render_to_response(
            self.get_context_data(
                filter=filterset, page=page, query=query, columns=PUBLIC_SUMMARIES, rows=columns.html_rows(PUBLIC_SUMMARIES, page)
            )
        )
