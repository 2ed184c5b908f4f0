"""The province's registry of agencies and the groups plans assign work to."""

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from vinhlong_cmcn4.search import SearchableModel
from vinhlong_cmcn4.text import clean_text, search_key

from ..choices import AgencyKind


def _clean_aliases(aliases: list) -> list[str]:
    seen: dict[str, str] = {}
    for alias in aliases or []:
        text = clean_text(alias)
        if text and search_key(text) not in seen:
            seen[search_key(text)] = text
    return list(seen.values())


class AgencyGroup(SearchableModel):
    """A named set of agencies, as plans write it: "Các sở, ban, ngành tỉnh".

    A group as lead makes every member a lead; as cooperator, every member cooperates.
    """

    SEARCH_FIELDS = ("code", "name", "aliases")

    code = models.CharField(_("code"), max_length=32, unique=True)
    name = models.CharField(_("name"), max_length=255)
    name_key = models.CharField(_("name key"), max_length=255, unique=True, editable=False)
    aliases = models.JSONField(_("other spellings"), default=list, blank=True)

    class Meta:
        verbose_name = _("agency group")
        verbose_name_plural = _("agency groups")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs):
        self.name_key = search_key(self.name)
        super().save(*args, **kwargs)

    def clean(self) -> None:
        self.name = clean_text(self.name)
        self.aliases = _clean_aliases(self.aliases)


class Agency(SearchableModel):
    """An agency of the province: a sở, ban, ngành, a district UBND or another body.

    Agencies are never deleted once work is assigned to them: they are retired
    (``is_active`` off) and may name the ``successor`` that took over their work.
    """

    SEARCH_FIELDS = ("code", "name", "aliases")

    code = models.CharField(_("code"), max_length=32, unique=True, help_text=_("Stable code, e.g. STTTT."))
    name = models.CharField(_("official name"), max_length=255)
    name_key = models.CharField(_("name key"), max_length=255, unique=True, editable=False)
    aliases = models.JSONField(
        _("abbreviations and other spellings"), default=list, blank=True, help_text=_("As people really write them, e.g. Sở TT&TT.")
    )
    kind = models.CharField(_("kind"), max_length=16, choices=AgencyKind.choices, default=AgencyKind.DEPARTMENT)
    groups = models.ManyToManyField(AgencyGroup, related_name="members", blank=True, verbose_name=_("groups"))
    email = models.EmailField(_("e-mail for notices"), blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    retired_on = models.DateField(_("retired on"), null=True, blank=True)
    successor = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="predecessors",
        verbose_name=_("successor"),
        help_text=_("The agency that took over this one's work after a merger or renaming."),
    )

    class Meta:
        verbose_name = _("agency")
        verbose_name_plural = _("agencies")
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(successor=F("id")),
                name="agency_not_own_successor",
                violation_error_message=_("An agency cannot be its own successor."),
            ),
            models.CheckConstraint(
                condition=Q(retired_on__isnull=True) | Q(is_active=False),
                name="agency_retired_only_when_inactive",
                violation_error_message=_("An active agency has no retirement date."),
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs):
        self.name_key = search_key(self.name)
        super().save(*args, **kwargs)

    def clean(self) -> None:
        self.name = clean_text(self.name)
        self.code = clean_text(self.code).upper()
        self.aliases = _clean_aliases(self.aliases)
        if self.successor_id and self.successor_id == self.pk:
            raise ValidationError({"successor": _("An agency cannot be its own successor.")})
        if self.successor_id and self.is_active:
            raise ValidationError({"successor": _("Only a retired agency has a successor: untick 'active' first.")})

    @property
    def short_name(self) -> str:
        """The first abbreviation people use, or the official name."""
        return self.aliases[0] if self.aliases else self.name

    def current(self) -> "Agency":
        """Follow successors to the agency that holds this one's work today."""
        agency, seen = self, {self.pk}
        while agency.successor_id and agency.successor_id not in seen:
            agency = agency.successor
            seen.add(agency.pk)
        return agency
