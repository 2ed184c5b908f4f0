"""The migration that dates group membership keeps every existing member, open on both sides."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

pytestmark = pytest.mark.django_db(transaction=True)
BEFORE, AFTER = [("plans", "0004_reorganisation_lineage")], [("plans", "0005_agency_membership_dated")]


def _apps_at(target):
    executor = MigrationExecutor(connection)
    executor.migrate(target)
    executor.loader.build_graph()
    return executor.loader.project_state(target).apps


def test_existing_members_are_kept_with_open_dates_and_back_again():
    old = _apps_at(BEFORE)
    group = old.get_model("plans", "AgencyGroup").objects.create(code="HUYEN", name="UBND các huyện", name_key="ubnd cac huyen")
    Agency = old.get_model("plans", "Agency")
    districts = [Agency.objects.create(code=f"H{n}", name=f"UBND huyện {n}", name_key=f"ubnd huyen {n}") for n in (1, 2)]
    for agency in districts:
        agency.groups.add(group)
    try:
        new = _apps_at(AFTER)
        memberships = new.get_model("plans", "AgencyMembership").objects.order_by("agency__code")
        assert [(m.group_id, m.agency_id, m.member_from, m.member_to) for m in memberships] == [
            (group.pk, agency.pk, None, None) for agency in districts
        ]
        back = _apps_at(BEFORE)
        assert back.get_model("plans", "Agency").groups.through.objects.count() == 2
    finally:
        _apps_at(MigrationExecutor(connection).loader.graph.leaf_nodes())
