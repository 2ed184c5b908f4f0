"""Reorganisation decisions (sáp nhập, hợp nhất, chia tách, đổi tên, giải thể) and the lineage they leave.

A decision is recorded, previewed, then applied in one transaction by ``tasks.reorganisation``
(the service moves open assignments, which live in the tasks app). Applying writes
:class:`AgencyLineage` rows and the retired agencies' ``active_to``; undoing removes them.
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from core.text import clean_text

from ..choices import AgencyKind, ChangeKind, UsersFate


class ReorganisationDecision(models.Model):
    """A decision that reorganises agencies from its effective date (e.g. under Nghị định 45/2025/NĐ-CP)."""

    number = models.CharField(_("number and symbol"), max_length=128, help_text=_("As written, e.g. Nghị định 45/2025/NĐ-CP."))
    issuer = models.CharField(_("issued by"), max_length=255, blank=True)
    issued_on = models.DateField(_("issued on"), null=True, blank=True)
    effective_on = models.DateField(_("effective from"))
    note = models.TextField(_("note"), blank=True)
    applied_at = models.DateTimeField(_("applied at"), null=True, blank=True, editable=False)
    undo_log = models.JSONField(_("what applying changed beyond the lineage"), default=dict, blank=True, editable=False)
    applied_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        editable=False,
        related_name="applied_decisions",
        verbose_name=_("applied by"),
    )

    class Meta:
        verbose_name = _("reorganisation decision")
        verbose_name_plural = _("reorganisation decisions")
        ordering = ["-effective_on", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["number", "effective_on"],
                name="reorganisation_decision_unique",
                violation_error_message=_("This decision is already recorded for that effective date."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.number} ({self.effective_on:%d/%m/%Y})"

    def clean(self) -> None:
        self.number, self.issuer = clean_text(self.number), clean_text(self.issuer)

    @property
    def is_applied(self) -> bool:
        return self.applied_at is not None


class ReorganisationChange(models.Model):
    """One change of a decision: ``source`` merged, split, renamed, dissolved, or gives up some tasks to ``target``.

    A split has one change per destination; which open task goes where is a ``tasks.TaskDestination``
    row, as for a transfer of functions.
    """

    decision = models.ForeignKey(ReorganisationDecision, on_delete=models.CASCADE, related_name="changes", verbose_name=_("decision"))
    kind = models.CharField(_("kind"), max_length=16, choices=ChangeKind.choices)
    source = models.ForeignKey("plans.Agency", on_delete=models.PROTECT, related_name="changes_out", verbose_name=_("agency reorganised"))
    target = models.ForeignKey(
        "plans.Agency",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="changes_in",
        verbose_name=_("successor"),
    )
    # A successor not yet in the registry: created when the decision is applied, removed by its undo.
    new_code = models.CharField(
        _("code of the new agency"), max_length=32, blank=True, help_text=_("A successor not yet in the registry: created when applied.")
    )
    new_name = models.CharField(_("name of the new agency"), max_length=255, blank=True)
    new_kind = models.CharField(
        _("kind of the new agency"),
        max_length=16,
        choices=AgencyKind.choices,
        blank=True,
        help_text=_("Empty: from its name (“Sở …” a department, “UBND xã/phường …” a commune, otherwise a provincial body)."),
    )
    joins_groups = models.BooleanField(
        _("successor joins the groups"),
        null=True,
        blank=True,
        help_text=_("Does the successor join the groups the agency belonged to? Empty: yes for a merger or renaming, no otherwise."),
    )
    groups_to_join = models.ManyToManyField(
        "plans.AgencyGroup",
        blank=True,
        related_name="+",
        verbose_name=_("only these groups"),
        help_text=_("Empty: every group the agency belonged to the day before."),
    )
    users = models.CharField(_("its users"), max_length=16, choices=UsersFate.choices, default=UsersFate.MOVE)
    note = models.TextField(_("note"), blank=True)

    class Meta:
        verbose_name = _("change")
        verbose_name_plural = _("changes")
        ordering = ["decision", "id"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(target=F("source")),
                name="reorganisation_change_not_to_itself",
                violation_error_message=_("An agency cannot succeed itself."),
            ),
            models.CheckConstraint(
                condition=Q(kind=ChangeKind.DISSOLVE, target__isnull=True, new_code="")
                | (~Q(kind=ChangeKind.DISSOLVE) & (Q(target__isnull=False) | ~Q(new_code=""))),
                name="reorganisation_change_successor_unless_dissolved",
                violation_error_message=_("Every change but a dissolution names its successor; a dissolution names none."),
            ),
        ]

    def __str__(self) -> str:
        if self.target_id or self.new_name:
            return f"{self.source} → {self.successor_name} ({self.get_kind_display()})"
        return f"{self.source} ({self.get_kind_display()})"

    @property
    def successor_name(self) -> str:
        return self.target.name if self.target is not None else self.new_name

    @property
    def successor_key(self) -> int | str:
        """The successor's id, or the new agency's code while it is not yet created (empty for a dissolution)."""
        return self.target_id or self.new_code

    @property
    def creates_successor(self) -> bool:
        """The successor is a new agency, not yet in the registry: applying the decision creates it."""
        return not self.target_id and bool(self.new_code)

    @property
    def chooses_tasks(self) -> bool:
        """A split or a transfer of functions takes only the open tasks chosen for it (``tasks.TaskDestination``)."""
        return self.kind in (ChangeKind.SPLIT, ChangeKind.FUNCTIONS)

    def clean(self) -> None:
        self.new_code, self.new_name = clean_text(self.new_code).upper(), clean_text(self.new_name)
        if self.kind == ChangeKind.DISSOLVE and (self.target_id or self.new_code):
            raise ValidationError({"target": _("A dissolution has no successor.")})
        if self.kind != ChangeKind.DISSOLVE and not self.target_id and not (self.new_code and self.new_name):
            raise ValidationError({"target": _("Choose the successor, or give the code and name of the new agency.")})
        if self.target_id and self.target_id == self.source_id:
            raise ValidationError({"target": _("An agency cannot succeed itself.")})

    @property
    def retires_source(self) -> bool:
        """A transfer of functions leaves its source in place; every other change ends it."""
        return self.kind != ChangeKind.FUNCTIONS


class AgencyLineage(models.Model):
    """``predecessor`` passed (some of) its work to ``successor`` from ``effective_on``; written when a decision is applied."""

    predecessor = models.ForeignKey("plans.Agency", on_delete=models.PROTECT, related_name="successor_links", verbose_name=_("predecessor"))
    successor = models.ForeignKey("plans.Agency", on_delete=models.PROTECT, related_name="predecessor_links", verbose_name=_("successor"))
    effective_on = models.DateField(_("effective from"))
    main = models.BooleanField(
        _("main successor"), default=True, help_text=_("Holds the predecessor's work as a whole (merger, renaming).")
    )
    change = models.ForeignKey(
        ReorganisationChange, on_delete=models.CASCADE, null=True, blank=True, related_name="lineage", verbose_name=_("change")
    )

    class Meta:
        verbose_name = _("lineage")
        verbose_name_plural = _("lineage")
        ordering = ["effective_on", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["predecessor", "successor"], name="lineage_unique", violation_error_message=_("This lineage is already recorded.")
            ),
            models.CheckConstraint(
                condition=~Q(predecessor=F("successor")),
                name="lineage_not_to_itself",
                violation_error_message=_("An agency cannot succeed itself."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.predecessor} → {self.successor} ({self.effective_on:%d/%m/%Y})"


class UserMove(models.Model):
    """A user of a retired agency moved to its successor (or deactivated) by a change; kept so it can be undone."""

    change = models.ForeignKey(ReorganisationChange, on_delete=models.CASCADE, related_name="user_moves", verbose_name=_("change"))
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="moves", verbose_name=_("user"))
    from_agency = models.ForeignKey("plans.Agency", on_delete=models.PROTECT, related_name="+", verbose_name=_("from agency"))
    deactivated = models.BooleanField(_("deactivated"), default=False)

    class Meta:
        verbose_name = _("user moved")
        verbose_name_plural = _("users moved")
        ordering = ["change", "id"]

    def __str__(self) -> str:
        return f"{self.user} ← {self.from_agency}"
