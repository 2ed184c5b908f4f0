"""The portal's own tables: the outbox of jobs waiting for the broker."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class OutboxMessage(models.Model):
    """A Celery job written in the same transaction as the change that needs it.

    Published after the commit; when the broker is down the row waits here and the drain
    job (or the next publish) sends it once the broker is back. Jobs are idempotent, so a
    message published twice after a crash does no harm.
    """

    job = models.CharField(_("job"), max_length=200)
    args = models.JSONField(_("arguments"), default=list, blank=True)
    kwargs = models.JSONField(_("keyword arguments"), default=dict, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    attempts = models.PositiveIntegerField(_("attempts"), default=0)  # every try, refused ones too
    # The copies that left for the broker (a try it refused is none): what ``OUTBOX_MAX_SENDS`` caps.
    sends = models.PositiveIntegerField(_("sends"), default=0)
    last_error = models.TextField(_("last error"), blank=True)

    class Meta:
        verbose_name = _("queued job")
        verbose_name_plural = _("queued jobs")
        ordering = ["id"]
        indexes = [models.Index(fields=["id"], condition=models.Q(sent_at__isnull=True), name="outbox_pending_idx")]

    def __str__(self) -> str:
        return f"{self.job} {self.args}"


class JobRun(models.Model):
    """The key of one job delivery, written before the job's side effect (``core.once``).

    A message delivered twice (republished after a broker freeze, redelivered after a worker
    died) carries the same key: the second delivery finds the row done, or still claimed by a
    run that is alive, and does nothing.
    """

    key = models.CharField(_("key"), max_length=255, unique=True)
    job = models.CharField(_("job"), max_length=200)
    claimed_at = models.DateTimeField(_("claimed at"), null=True, blank=True)
    done_at = models.DateTimeField(_("done at"), null=True, blank=True)
    attempts = models.PositiveIntegerField(_("attempts"), default=0)

    class Meta:
        verbose_name = _("job run")
        verbose_name_plural = _("job runs")
        ordering = ["-id"]

    def __str__(self) -> str:
        return f"{self.job} {self.key}"


class ExportJob(models.Model):
    """A list's Excel download too long to write while the browser waits (``core.exports``): written by a job,
    followed on its page, kept for its owner to download."""

    QUEUED, RUNNING, DONE, FAILED = "queued", "running", "done", "failed"
    STATES = [(QUEUED, _("Waiting")), (RUNNING, _("Being written")), (DONE, _("Ready")), (FAILED, _("Failed"))]

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="exports", verbose_name=_("user"))
    # Whole, however long its filters: an address cut short is another list (or none), so the job would write other rows.
    address = models.TextField(_("list address"), help_text=_("The list's page with its filters, as asked."))
    title = models.CharField(_("title"), max_length=255)
    filename = models.CharField(_("file name"), max_length=255)
    language = models.CharField(_("language"), max_length=10, default="vi")
    state = models.CharField(_("state"), max_length=10, choices=STATES, default=QUEUED)
    total = models.PositiveIntegerField(_("rows"), default=0)
    file = models.FileField(_("file"), upload_to="exports/%Y/%m/", max_length=255, blank=True)
    error = models.TextField(_("error"), blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)

    class Meta:
        verbose_name = _("download being prepared")
        verbose_name_plural = _("downloads being prepared")
        ordering = ["-id"]

    def __str__(self) -> str:
        return f"{self.filename} ({self.get_state_display()})"
