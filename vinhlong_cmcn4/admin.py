from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _

from core.models import OutboxMessage
from core.outbox import outbox_publish
from plans.admin_policy import PortalModelAdmin

from .admin_wording import admin_wording_apply

admin_wording_apply()


@admin.register(OutboxMessage)
class OutboxMessageAdmin(PortalModelAdmin):
    """Jobs written for the broker: those still waiting (broker down) show their last error."""

    list_display = ["id", "job", "created_at", "sent_at", "attempts", "sends", "last_error"]
    list_filter = [("sent_at", admin.EmptyFieldListFilter), "job"]
    readonly_fields = ["job", "args", "kwargs", "created_at", "sent_at", "attempts", "sends", "last_error"]
    actions = ["publish_now"]

    def has_add_permission(self, request):
        return False

    @admin.action(description=_("Send the waiting jobs now"))
    def publish_now(self, request, queryset):
        sent = outbox_publish(ids=list(queryset.filter(sent_at__isnull=True).values_list("pk", flat=True)))
        self.message_user(
            request, _("%(count)d jobs sent to the broker.") % {"count": sent}, messages.SUCCESS if sent else messages.WARNING
        )
