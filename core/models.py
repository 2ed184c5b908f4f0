"""The portal's own tables: the outbox of jobs waiting for the broker."""

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
    attempts = models.PositiveIntegerField(_("attempts"), default=0)
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
