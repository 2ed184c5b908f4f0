""" "Việc cần xử lý": the work waiting for the signed-in person, their notices, and how they want them e-mailed."""

from django import forms
from django.contrib import messages
from django.shortcuts import redirect
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST
from django.views.generic import TemplateView

from plans import policy
from plans.models import User
from reports.models import Notice

from ..worklist import work_items
from .delegation import stand_in_context


def my_work(request) -> list:
    """The person's work items, computed once per request (the menu's count and the page read the same list)."""
    if not hasattr(request, "_work_items"):
        request._work_items = work_items(request.user) if request.user.is_authenticated else []
    return request._work_items


class NoticeEmailForm(forms.ModelForm):
    class Meta:
        model = User
        fields = ["notice_email"]
        widgets = {"notice_email": forms.RadioSelect}


class WorkView(TemplateView):
    """Everything waiting for the person, each item with why, since when and a link to where it is done."""

    template_name = "reports/work.html"

    def get_context_data(self, **kwargs):
        user = self.request.user
        notices = policy.restrict(Notice.objects.filter(user=user), user)
        return super().get_context_data(
            items=my_work(self.request),
            unread=list(notices.filter(read_at__isnull=True).order_by("-created_at")[:50]),
            read=list(notices.filter(read_at__isnull=False).order_by("-read_at")[:20]),
            email_form=NoticeEmailForm(instance=user),
            **stand_in_context(user),
            **kwargs,
        )


@require_POST
def notice_email_set(request):
    """The person's choice: notices e-mailed at once, in a daily digest, or not at all."""
    form = NoticeEmailForm(request.POST, instance=request.user)
    if form.is_valid():
        form.save()
        messages.success(request, _("Your choice for notice e-mails was saved."))
    else:
        messages.error(request, " ".join(str(e) for errors in form.errors.values() for e in errors))
    return redirect("reports:work")
