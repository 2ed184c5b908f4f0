"""A download written by a job: its page (progress, then the link), its progress as JSON, its file. Its owner's only."""

from django.http import FileResponse, Http404, JsonResponse
from django.shortcuts import get_object_or_404, render

from .access import private_file
from .exports import export_list_url, export_progress
from .models import ExportJob


def _own(request, pk: int) -> ExportJob:
    return get_object_or_404(ExportJob, pk=pk, user=request.user)  # another's download does not exist for you


def export_job_page(request, pk: int):
    job = _own(request, pk)
    return render(request, "core/export_job.html", {"job": job, "progress": export_progress(job), "back": export_list_url(job)})


def export_job_progress(request, pk: int):
    return JsonResponse(export_progress(_own(request, pk)))


@private_file
def export_job_file(request, pk: int):
    job = _own(request, pk)
    if job.state != ExportJob.DONE or not job.file:
        raise Http404
    return FileResponse(job.file.open("rb"), as_attachment=True, filename=job.filename)
