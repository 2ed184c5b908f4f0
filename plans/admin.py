from django import forms
from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.db import models
from django.db.models import Count
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from plans import policy
from plans.admin_policy import AliasesFormMixin, PortalModelAdmin

from .choices import Role
from .forms import PlanForm
from .models import Agency, AgencyGroup, AgencyMembership, CalendarDay, Directive, Section, StandIn, User
from .models.agencies import OVERLAP_MESSAGE
from .reorganisation_display import ActiveFilter, lineage_html
from .workdays import calendar_edit_done


class AgencyForm(AliasesFormMixin):
    class Meta:
        model = Agency
        fields = ["code", "name", "aliases", "kind", "email", "active_from", "active_to"]


class AgencyGroupForm(AliasesFormMixin):
    class Meta:
        model = AgencyGroup
        fields = ["code", "name", "aliases"]


class MembershipFormSet(forms.BaseInlineFormSet):
    """Rows typed together are checked against each other too (each row's own check sees only saved rows)."""

    def clean(self) -> None:
        super().clean()
        rows = [form.instance for form in self.forms if form.is_valid() and form.cleaned_data and not form.cleaned_data.get("DELETE")]
        for index, row in enumerate(rows):
            if any(row.overlaps(other) for other in rows[index + 1 :]):
                raise forms.ValidationError(OVERLAP_MESSAGE)


class MembershipInline(admin.TabularInline):
    """A group's members, each with the dates it belongs (a reorganisation ends them)."""

    model = AgencyMembership
    formset = MembershipFormSet
    fields = ["agency", "member_from", "member_to"]
    autocomplete_fields = ["agency"]
    extra = 0


class AgencyMembershipInline(MembershipInline):
    fields = ["group", "member_from", "member_to"]
    autocomplete_fields = ["group"]


@admin.register(AgencyGroup)
class AgencyGroupAdmin(PortalModelAdmin):
    form = AgencyGroupForm
    list_display = ["code", "name", "member_count"]
    search_fields = ["name"]
    inlines = [MembershipInline]

    def get_queryset(self, request):
        # Members today: an agency that left and joined again has two memberships and is one member.
        today = timezone.localdate()
        return (
            super()
            .get_queryset(request)
            .annotate(member_count=Count("memberships", filter=AgencyMembership.running_on(today, "memberships__")))
        )

    @admin.display(description=_("members today"), ordering="member_count")
    def member_count(self, obj):
        return obj.member_count


@admin.register(Agency)
class AgencyAdmin(PortalModelAdmin):
    form = AgencyForm
    list_display = ["code", "name", "abbreviation", "kind", "active_from", "active_to"]
    list_filter = ["kind", "groups", ActiveFilter]
    search_fields = ["name"]
    inlines = [AgencyMembershipInline]
    fieldsets = [
        (None, {"fields": ["code", "name", "aliases", "kind", "email"]}),
        (_("Mergers and renamings"), {"fields": ["active_from", "active_to", "lineage"]}),
    ]
    readonly_fields = ["lineage"]

    @admin.display(description=_("lineage"))
    def lineage(self, obj):
        return lineage_html(obj)

    @admin.display(description=_("abbreviation"))
    def abbreviation(self, obj):
        return obj.short_name


@admin.register(Directive)
class DirectiveAdmin(PortalModelAdmin):
    list_display = ["symbol", "kind", "issuer", "issued_on", "title"]
    list_filter = ["kind", "year"]
    search_fields = ["title"]
    date_hierarchy = "issued_on"


class SectionInline(admin.TabularInline):
    model = Section
    fields = ["position", "number", "title"]
    extra = 0
    formfield_overrides = {models.TextField: {"widget": forms.Textarea(attrs={"rows": 2, "cols": 90})}}


class PlanAdmin(PortalModelAdmin):
    """A plan's own fields and sections; ``tasks.admin`` registers it with the tasks and the annex import."""

    form = PlanForm
    list_display = ["symbol", "short_title", "issuer", "issued_on", "state", "is_published", "parent"]
    list_filter = ["state", "is_published", "year", "directives"]
    search_fields = ["title"]
    date_hierarchy = "issued_on"
    autocomplete_fields = ["parent", "issuing_agency", "coordinator", "directives"]
    inlines = [SectionInline]
    fieldsets = [
        (None, {"fields": ["symbol", "issuer", "issuing_agency", "issued_on", "title", "purpose"]}),
        (_("Carries out"), {"fields": ["directives", "parent"]}),
        (_("Implementation"), {"fields": ["starts_on", "ends_on", "state", "is_published", "coordinator"]}),
        (_("Reporting regime"), {"fields": ["reporting_kinds", "report_deadline_day"]}),
    ]

    @admin.display(description=_("title"), ordering="title")
    def short_title(self, obj):
        return obj.title if len(obj.title) <= 90 else obj.title[:88] + "…"


class SectionAdmin(PortalModelAdmin):
    """A section's own fields; ``tasks.admin`` registers it, since moving a section moves its tasks in the lists."""

    list_display = ["plan", "number", "title", "position"]
    list_filter = ["plan"]
    search_fields = ["title"]
    list_select_related = ["plan"]


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    list_display = ["username", "person", "agency", "role", "is_active", "last_login"]
    list_filter = ["groups", "is_active", "is_staff", "agency"]
    search_fields = ["username", "full_name", "email", "agency__name"]
    list_select_related = ["agency"]
    autocomplete_fields = ["agency"]
    fieldsets = [
        (None, {"fields": ["username", "password"]}),
        (_("Person"), {"fields": ["full_name", "job_title", "email", "phone", "agency"]}),
        (_("Role and permissions"), {"fields": ["is_active", "is_staff", "is_superuser", "groups", "user_permissions"]}),
        (_("Dates"), {"fields": ["last_login", "date_joined"]}),
    ]
    add_fieldsets = [
        (None, {"classes": ["wide"], "fields": ["username", "full_name", "email", "agency", "groups", "password1", "password2"]}),
    ]

    def get_queryset(self, request):
        return policy.restrict(super().get_queryset(request).prefetch_related("groups"), request.user)

    @admin.display(description=_("full name"), ordering="full_name")
    def person(self, obj):
        return obj.display_name

    @admin.display(description=_("role"))
    def role(self, obj):
        role = policy.role_of(obj)
        return dict(Role.choices).get(role, "—") if role else "—"


@admin.register(CalendarDay)
class CalendarDayAdmin(PortalModelAdmin):
    """The days off and worked Saturdays the Government announces each year; deadlines follow them."""

    list_display = ["day", "kind", "name"]
    list_filter = ["kind"]
    date_hierarchy = "day"

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        calendar_edit_done()

    def delete_model(self, request, obj):
        super().delete_model(request, obj)
        calendar_edit_done()

    def delete_queryset(self, request, queryset):
        super().delete_queryset(request, queryset)
        calendar_edit_done()


@admin.register(StandIn)
class StandInAdmin(PortalModelAdmin):
    """Stand-ins (ủy quyền) for dated absences: recorded by the person or their head on the work page; corrected here."""

    list_display = ["user", "stand_in", "starts_on", "ends_on", "created_by"]
    date_hierarchy = "starts_on"
    autocomplete_fields = ["user", "stand_in"]
    readonly_fields = ["created_by", "created_at"]
