"""Admin pages for a plan's annex: upload, preview, confirm, follow progress; template and export."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, HttpResponseRedirect, JsonResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core.access import private_file
from core.spreadsheets import XLSX_TYPE, content_disposition
from core.uploads import xlsx_response_file
from plans import policy
from plans.models import Plan

from .choices import ImportState
from .exporting import annex_template_xlsx, plan_tasks_xlsx_chunks
from .forms import AnnexUploadForm
from .importing.import_jobs import import_job_confirm, import_job_create, import_progress
from .models import ImportJob

PREVIEWING_OR_IMPORTING = {ImportState.PREVIEWING, ImportState.IMPORTING}


class AnnexAdminMixin:
    """Adds the annex pages to the plan admin."""

    def get_urls(self):
        wrap = self.admin_site.admin_view
        return [
            path("<int:pk>/nhap-excel/", wrap(self.annex_upload_view), name="plans_plan_import_annex"),
            path("<int:pk>/nhap-excel/<int:job_pk>/", wrap(self.annex_job_view), name="plans_plan_import_job"),
            path(
                "<int:pk>/nhap-excel/<int:job_pk>/xac-nhan/", wrap(require_POST(self.annex_confirm_view)), name="plans_plan_import_confirm"
            ),
            path("<int:pk>/nhap-excel/<int:job_pk>/tien-do/", wrap(self.annex_progress_view), name="plans_plan_import_progress"),
            path("<int:pk>/xuat-excel/", wrap(self.annex_export_view), name="plans_plan_export_annex"),
            path("mau-phu-luc/", wrap(self.annex_template_view), name="plans_plan_annex_template"),
            *super().get_urls(),
        ]

    def _plan(self, request, pk: int, action: str = policy.CHANGE) -> Plan:
        plan = get_object_or_404(policy.restrict(Plan.objects.all(), request.user, policy.VIEW), pk=pk)
        if not policy.can(request.user, action, plan):
            raise PermissionDenied
        return plan

    def _job(self, plan: Plan, job_pk: int) -> ImportJob:
        return get_object_or_404(ImportJob.objects.select_related("plan", "uploaded_by"), pk=job_pk, plan=plan)

    def _context(self, request, plan: Plan, title: str, **extra) -> dict:
        return {**self.admin_site.each_context(request), "opts": self.model._meta, "original": plan, "plan": plan, "title": title, **extra}

    def annex_upload_view(self, request, pk: int):
        plan = self._plan(request, pk)
        # bound on every POST: a file cut off for its size leaves POST and FILES empty, and must still be answered
        form = AnnexUploadForm(request.POST, request.FILES, request=request) if request.method == "POST" else AnnexUploadForm()
        if request.method == "POST" and form.is_valid():
            try:
                job = import_job_create(plan=plan, upload=form.cleaned_data["file"], by=request.user)
            except ValidationError as error:
                form.add_error("file", error)
            else:
                return HttpResponseRedirect(reverse("admin:plans_plan_import_job", args=[plan.pk, job.pk]))
        jobs = plan.import_jobs.select_related("uploaded_by")[:10]
        context = self._context(request, plan, _("Import tasks from Excel"), form=form, jobs=jobs)
        return TemplateResponse(request, "admin/tasks/annex_upload.html", context)

    def annex_job_view(self, request, pk: int, job_pk: int):
        plan = self._plan(request, pk)
        job = self._job(plan, job_pk)
        context = self._context(
            request,
            plan,
            _("Import of %(name)s") % {"name": job.original_name},
            job=job,
            running=job.state in PREVIEWING_OR_IMPORTING,
            progress=import_progress(job),
        )
        return TemplateResponse(request, "admin/tasks/annex_job.html", context)

    def annex_confirm_view(self, request, pk: int, job_pk: int):
        plan = self._plan(request, pk)
        job = self._job(plan, job_pk)
        try:
            job = import_job_confirm(job=job, by=request.user)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            if job.state == ImportState.DONE:
                result = job.result
                messages.success(
                    request,
                    _("Imported: %(created)d created, %(updated)d updated, %(unchanged)d unchanged.")
                    % {"created": result["created"], "updated": result["updated"], "unchanged": result["unchanged"]},
                )
        return HttpResponseRedirect(reverse("admin:plans_plan_import_job", args=[plan.pk, job.pk]))

    def annex_progress_view(self, request, pk: int, job_pk: int):
        plan = self._plan(request, pk)
        job = self._job(plan, job_pk)
        return JsonResponse({"state": job.state, "running": job.state in PREVIEWING_OR_IMPORTING, **import_progress(job)})

    @private_file
    def annex_export_view(self, request, pk: int):
        plan = self._plan(request, pk, policy.VIEW)
        name = f"phu-luc-{plan.symbol.replace('/', '-')}.xlsx"
        response = StreamingHttpResponse(plan_tasks_xlsx_chunks(plan), content_type=XLSX_TYPE)
        response["Content-Disposition"] = content_disposition(name)
        return response

    @private_file
    def annex_template_view(self, request):
        if not policy.may_open(request.user, policy.ADMIN_SITE):
            raise PermissionDenied
        return FileResponse(xlsx_response_file(annex_template_xlsx), as_attachment=True, filename="mau-phu-luc-nhiem-vu.xlsx")
