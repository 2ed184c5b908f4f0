"""Group membership gets dates: every existing member is kept, open on both sides (since before the records, still)."""

import django.db.models.deletion
from django.db import migrations, models


def keep_members(apps, schema_editor):
    Agency = apps.get_model("plans", "Agency")
    Membership = apps.get_model("plans", "AgencyMembership")
    Membership.objects.bulk_create(
        Membership(group_id=row.agencygroup_id, agency_id=row.agency_id) for row in Agency.groups.through.objects.all()
    )


def back_to_plain_members(apps, schema_editor):
    Agency = apps.get_model("plans", "Agency")
    Membership = apps.get_model("plans", "AgencyMembership")
    Agency.groups.through.objects.bulk_create(
        Agency.groups.through(agencygroup_id=row.group_id, agency_id=row.agency_id) for row in Membership.objects.filter(member_to=None)
    )


class Migration(migrations.Migration):

    dependencies = [
        ('plans', '0004_reorganisation_lineage'),
    ]

    operations = [
        migrations.CreateModel(
            name='AgencyMembership',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('member_from', models.DateField(blank=True, help_text="Empty: since before the portal's records.", null=True, verbose_name='member from')),
                ('member_to', models.DateField(blank=True, help_text='The first day it no longer belongs to the group. Empty: still a member.', null=True, verbose_name='member until')),
                ('agency', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='memberships', to='plans.agency', verbose_name='agency')),
                ('group', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='memberships', to='plans.agencygroup', verbose_name='group')),
            ],
            options={
                'verbose_name': 'group membership',
                'verbose_name_plural': 'group memberships',
                'ordering': ['group', 'agency__name'],
            },
        ),
        migrations.RunPython(keep_members, back_to_plain_members),
        migrations.RemoveField(model_name="agency", name="groups"),
        migrations.AddField(
            model_name='agency',
            name='groups',
            field=models.ManyToManyField(blank=True, help_text='Every membership, past and present.', related_name='members', through='plans.AgencyMembership', to='plans.agencygroup', verbose_name='groups'),
        ),
        migrations.AddConstraint(
            model_name='agencymembership',
            constraint=models.UniqueConstraint(fields=('group', 'agency'), name='agency_membership_unique', violation_error_message='This agency is already in the group.'),
        ),
        migrations.AddConstraint(
            model_name='agencymembership',
            constraint=models.CheckConstraint(condition=models.Q(('member_to__isnull', True), ('member_from__isnull', True), ('member_to__gt', models.F('member_from')), _connector='OR'), name='agency_membership_ends_after_it_starts', violation_error_message='A membership cannot end before it starts.'),
        ),
    ]
