"""Public pages: the home page, a plan and a task, as anyone may read them."""

from django.contrib.auth.decorators import login_not_required
from django.db.models import Prefetch
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.decorators import method_decorator
from django.views.generic import DetailView, ListView

from tasks.models import Task
from tasks.selectors import status_counts, task_list
from vinhlong_cmcn4 import policy

from .selectors import plan_list_public, plan_public_detail


@method_decorator(login_not_required, name="dispatch")
class HomeView(ListView):
    """The published plans with their symbol, title, issuer, date and overall progress."""

    template_name = "plans/home.html"
    context_object_name = "plans"

    def get_queryset(self):
        return plan_list_public()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["counts"] = status_counts(policy.public(Task.objects.all()))
        context["task_total"] = sum(context["counts"].values())
        return context


@method_decorator(login_not_required, name="dispatch")
class PlanDetailView(DetailView):
    """A published plan: its directives, sections and tasks with derived status and progress."""

    template_name = "plans/plan_detail.html"
    context_object_name = "plan"

    def get_object(self, queryset=None):
        return plan_public_detail(self.kwargs["pk"])

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        plan = self.object
        query = self.request.GET.get("q", "").strip()
        tasks = list(task_list(tasks=policy.public(Task.objects.filter(plan=plan)), query=query))
        by_section: dict = {}
        for task in tasks:
            by_section.setdefault(task.section_id, []).append(task)
        context["query"] = query
        context["sections"] = [(section, by_section.get(section.pk, [])) for section in plan.sections.all()]
        context["unsectioned"] = by_section.get(None, [])
        context["found"] = len(tasks)
        context["counts"] = status_counts(policy.public(Task.objects.filter(plan=plan)))
        return context


@method_decorator(login_not_required, name="dispatch")
class TaskDetailView(DetailView):
    """A task of a published plan: where it comes from, who does it, its dates and status."""

    template_name = "plans/task_detail.html"
    context_object_name = "task"

    def get_object(self, queryset=None):
        tasks = task_list(tasks=policy.public(Task.objects.filter(plan_id=self.kwargs["plan_pk"])))
        return get_object_or_404(tasks.prefetch_related(Prefetch("plan__directives")), pk=self.kwargs["pk"])

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["today"] = timezone.localdate()
        return context
