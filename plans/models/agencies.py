"""The province's registry of agencies and the groups plans assign work to."""

import datetime

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.search import SearchableModel
from core.text import clean_text, search_key

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

    def members_on(self, day: datetime.date | None = None) -> "AgencyQuerySet":
        """The agencies that belong to the group and exist on ``day`` (today by default)."""
        day = day or timezone.localdate()
        return Agency.objects.active_on(day).filter(Q(memberships__group=self), AgencyMembership.running_on(day, "memberships__"))


OVERLAP_MESSAGE = _("This agency is already in the group for part of these dates: a membership's dates cannot overlap another's.")


class AgencyMembership(models.Model):
    """``agency`` belongs to ``group`` from ``member_from`` until ``member_to`` (the first day it no longer does).

    Empty dates: since before the portal's records, and still. A reorganisation that ends an agency
    ends its memberships on the same day (the district committees leave HUYEN on 01/07/2025); a group
    such as "UBND các xã, phường" may exist before its members are loaded.
    """

    group = models.ForeignKey(AgencyGroup, on_delete=models.CASCADE, related_name="memberships", verbose_name=_("group"))
    agency = models.ForeignKey("Agency", on_delete=models.CASCADE, related_name="memberships", verbose_name=_("agency"))
    member_from = models.DateField(_("member from"), null=True, blank=True, help_text=_("Empty: since before the portal's records."))
    member_to = models.DateField(
        _("member until"), null=True, blank=True, help_text=_("The first day it no longer belongs to the group. Empty: still a member.")
    )

    class Meta:
        verbose_name = _("group membership")
        verbose_name_plural = _("group memberships")
        ordering = ["group", "agency__name"]
        indexes = [models.Index(fields=["group", "agency"], name="agency_membership_lookup_idx")]  # an agency's memberships of a group
        constraints = [
            # One running membership at a time; an agency that left a group may join it again later (a new row).
            models.UniqueConstraint(
                fields=["group", "agency"],
                condition=Q(member_to__isnull=True),
                name="agency_membership_one_running",
                violation_error_message=_("This agency is already in the group."),
            ),
            models.CheckConstraint(
                condition=Q(member_to__isnull=True) | Q(member_from__isnull=True) | Q(member_to__gt=F("member_from")),
                name="agency_membership_ends_after_it_starts",
                violation_error_message=_("A membership cannot end before it starts."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.agency} ∈ {self.group}"

    def clean(self) -> None:
        if self.member_from and self.member_to and self.member_to <= self.member_from:
            raise ValidationError({"member_to": _("A membership cannot end before it starts.")})
        if self.group_id and self.agency_id and self.overlapping().exists():
            raise ValidationError(OVERLAP_MESSAGE)

    def overlapping(self) -> models.QuerySet["AgencyMembership"]:
        """The same agency's other memberships of the same group that share a day with this one (:meth:`overlaps` in SQL)."""
        others = AgencyMembership.objects.filter(group_id=self.group_id, agency_id=self.agency_id).exclude(pk=self.pk)
        if self.member_to:
            others = others.filter(Q(member_from__isnull=True) | Q(member_from__lt=self.member_to))
        if self.member_from:
            others = others.filter(Q(member_to__isnull=True) | Q(member_to__gt=self.member_from))
        return others

    def overlaps(self, other: "AgencyMembership") -> bool:
        """``other`` is the same agency in the same group on a day this membership also counts (rows not yet saved included)."""
        return (
            (self.group_id, self.agency_id) == (other.group_id, other.agency_id)
            and (self.member_to is None or other.member_from is None or other.member_from < self.member_to)
            and (self.member_from is None or other.member_to is None or other.member_to > self.member_from)
        )

    @staticmethod
    def running_on(day: datetime.date, prefix: str = "") -> Q:
        """On ``AgencyMembership`` (or through ``prefix``): the membership counts on ``day`` (:meth:`is_active_on` in SQL)."""
        return (Q(**{f"{prefix}member_from__isnull": True}) | Q(**{f"{prefix}member_from__lte": day})) & (
            Q(**{f"{prefix}member_to__isnull": True}) | Q(**{f"{prefix}member_to__gt": day})
        )

    def is_active_on(self, day: datetime.date) -> bool:
        return (self.member_from is None or self.member_from <= day) and (self.member_to is None or day < self.member_to)


class AgencyQuerySet(models.QuerySet):
    def active_on(self, day: datetime.date | None = None) -> "AgencyQuerySet":
        """The agencies that exist on ``day`` (today by default): ``active_from`` ≤ day < ``active_to``."""
        day = day or timezone.localdate()
        return self.filter(Q(active_from__isnull=True) | Q(active_from__lte=day), Q(active_to__isnull=True) | Q(active_to__gt=day))


class Agency(SearchableModel):
    """An agency of the province: a sở, ban, ngành, a district UBND or another body.

    Agencies are never deleted once work is assigned to them: a reorganisation decision
    (``plans.models.reorganisation``) ends them on its effective date (``active_to``, the
    first day they no longer exist) and records their successors as :class:`AgencyLineage` rows.
    """

    SEARCH_FIELDS = ("code", "name", "aliases")

    code = models.CharField(_("code"), max_length=32, unique=True, help_text=_("Stable code, e.g. STTTT."))
    name = models.CharField(_("official name"), max_length=255)
    name_key = models.CharField(_("name key"), max_length=255, unique=True, editable=False)
    aliases = models.JSONField(
        _("abbreviations and other spellings"), default=list, blank=True, help_text=_("As people really write them, e.g. Sở TT&TT.")
    )
    kind = models.CharField(_("kind"), max_length=16, choices=AgencyKind.choices, default=AgencyKind.DEPARTMENT)
    groups = models.ManyToManyField(
        AgencyGroup,
        through=AgencyMembership,
        related_name="members",
        blank=True,
        verbose_name=_("groups"),
        help_text=_("Every membership, past and present."),
    )
    email = models.EmailField(_("e-mail for notices"), blank=True)
    active_from = models.DateField(_("exists from"), null=True, blank=True, help_text=_("Empty: since before the portal's records."))
    active_to = models.DateField(
        _("ceased on"), null=True, blank=True, help_text=_("The first day it no longer exists (a decision's effective date).")
    )

    objects = AgencyQuerySet.as_manager()

    class Meta:
        verbose_name = _("agency")
        verbose_name_plural = _("agencies")
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(active_to__isnull=True) | Q(active_from__isnull=True) | Q(active_to__gt=F("active_from")),
                name="agency_ceases_after_it_starts",
                violation_error_message=_("An agency cannot cease before it exists."),
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
        if self.active_from and self.active_to and self.active_to <= self.active_from:
            raise ValidationError({"active_to": _("An agency cannot cease before it exists.")})

    @property
    def short_name(self) -> str:
        """The first abbreviation people use, or the official name."""
        return self.aliases[0] if self.aliases else self.name

    def is_active_on(self, day: datetime.date | None = None) -> bool:
        day = day or timezone.localdate()
        return (self.active_from is None or self.active_from <= day) and (self.active_to is None or day < self.active_to)

    @property
    def is_active(self) -> bool:
        """Does it exist today?"""
        return self.is_active_on()

    @property
    def successor(self) -> "Agency | None":
        """The agency that took over the bulk of its work (a merger's or renaming's target), if any."""
        link = self.successor_links.filter(main=True).select_related("successor").first()
        return link.successor if link else None

    def current(self, day: datetime.date | None = None) -> "Agency":
        """Follow main successors, in force on ``day`` (today by default), to the agency that holds this one's work."""
        day = day or timezone.localdate()
        agency, seen = self, {self.pk}
        while True:
            link = agency.successor_links.filter(main=True, effective_on__lte=day).select_related("successor").first()
            if link is None or link.successor_id in seen:
                return agency
            agency = link.successor
            seen.add(agency.pk)

    def display_name(self, day: datetime.date | None = None) -> str:
        """The name as it was, with today's holder: "Sở Thông tin và Truyền thông (nay là Sở Khoa học và Công nghệ)"."""
        return then_now(self, self.current(day))


def then_now(then: Agency, now: Agency | None) -> str:
    """The one way an agency is named as it was, with the agency holding its work now:
    "Sở Thông tin và Truyền thông (nay là Sở Khoa học và Công nghệ)"; its plain name when nobody took its place.

    Used by the registry, the task pages, the lists' exports, the open data and the API alike.
    """
    if now is None or now.pk == then.pk:
        return then.name
    return str(_("%(then)s (now %(now)s)") % {"then": then.name, "now": now.name})
