"""Figures and lists shared from the cache stay true: any write they read computes them afresh once it commits.

The plan page (its figures and its page of rows), the leadership's task list (its count and rows)
and the lists' choices of agencies are kept in the shared cache (``core.shared_figures``);
a save through the admin or the ORM, not only a service, changes them on the next request.
"""

import threading
import time

import pytest
from django.db import connection, transaction
from django.urls import reverse

from core import shared_figures
from core.shared_figures import cached_count, figures_cached, figures_changed
from plans.models import Agency
from plans.tests.factories import AgencyFactory
from tasks.choices import AssignmentRole
from tasks.tests.factories import TaskAssignmentFactory, TaskFactory

pytestmark = pytest.mark.django_db


def waiting() -> list:
    """The changes of generation waiting for the commit."""
    return shared_figures.waiting_changes()


def bumps(callbacks) -> list:
    return [callback for callback in callbacks if isinstance(callback, shared_figures._Bump)]


def test_a_transaction_saving_many_rows_changes_the_generation_once(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks() as callbacks, transaction.atomic():
        for number in range(5):
            TaskFactory(number=str(number))
        assert len(waiting()) == 1
    assert len(bumps(callbacks)) == 1


def test_a_change_outside_a_rolled_back_savepoint_still_changes_the_generation(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks() as callbacks:
        with transaction.atomic():
            figures_changed()  # kept: made outside the savepoint below
            try:
                with transaction.atomic():
                    figures_changed()
                    raise RuntimeError
            except RuntimeError:
                pass
        with transaction.atomic():
            try:
                with transaction.atomic():
                    figures_changed()  # made only inside a savepoint rolled back: nothing changed
                    raise RuntimeError
            except RuntimeError:
                pass
    assert len(bumps(callbacks)) == 1


def test_a_cached_count_is_counted_again_after_a_save(django_capture_on_commit_callbacks):
    task = TaskFactory()
    tasks = type(task).objects.filter(plan=task.plan)
    assert cached_count(tasks) == 1
    TaskFactory(plan=task.plan, section=task.section)  # not committed yet: the cached count stands
    assert cached_count(tasks) == 1
    with django_capture_on_commit_callbacks(execute=True):
        TaskFactory(plan=task.plan, section=task.section)
    assert cached_count(tasks) == 3
    assert cached_count(tasks.none()) == 0


def test_the_plan_page_shows_a_task_edited_in_the_admin_on_the_next_request(client, django_capture_on_commit_callbacks):
    task = TaskFactory(title="Xây dựng kho dữ liệu dùng chung", progress=20)
    TaskAssignmentFactory(task=task, role=AssignmentRole.LEAD)
    url = task.plan.get_absolute_url()
    first = client.get(url)
    assert "Xây dựng kho dữ liệu dùng chung" in first.content.decode() and first.context["plan"].overall_progress == 20
    with django_capture_on_commit_callbacks(execute=True):
        task.title, task.progress = "Xây dựng kho dữ liệu mở", 70
        task.save()  # as the admin's form saves it: no service
    again = client.get(url)
    html = again.content.decode()
    assert "Xây dựng kho dữ liệu mở" in html and "Xây dựng kho dữ liệu dùng chung" not in html
    assert again.context["plan"].overall_progress == 70 and "70%" in html


def test_the_leadership_list_counts_and_shows_a_new_task_on_the_next_request(client, leader, django_capture_on_commit_callbacks):
    task = TaskFactory(title="Nhiệm vụ thứ nhất")
    client.force_login(leader)
    url = reverse("reports:dashboard_tasks") + f"?plan={task.plan.pk}"
    assert client.get(url).context["page"].paginator.count == 1
    with django_capture_on_commit_callbacks(execute=True):
        TaskFactory(plan=task.plan, section=task.section, title="Nhiệm vụ thứ hai")
    again = client.get(url)
    assert again.context["page"].paginator.count == 2 and "Nhiệm vụ thứ hai" in again.content.decode()


def test_the_agency_filter_offers_an_agency_added_in_the_admin(client, leader, django_capture_on_commit_callbacks):
    AgencyFactory(name="Sở Tài chính")
    client.force_login(leader)
    url = reverse("reports:dashboard_tasks")
    assert "Sở Tài chính" in client.get(url).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        agency = AgencyFactory(name="Sở Khoa học và Công nghệ")
    assert f'<option value="{agency.pk}">Sở Khoa học và Công nghệ</option>' in client.get(url).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        Agency.objects.get(pk=agency.pk).delete()
    assert "Sở Khoa học và Công nghệ" not in client.get(url).content.decode()


def test_a_request_reads_the_generation_once_however_many_figures_it_shows(client, leader, monkeypatch):
    from django.core.cache.backends.locmem import LocMemCache

    task = TaskFactory()
    client.force_login(leader)
    url = reverse("reports:dashboard_tasks") + f"?plan={task.plan.pk}"
    client.get(url)  # the first request of all also creates the generation
    reads = []
    real_get = LocMemCache.get
    monkeypatch.setattr(LocMemCache, "get", lambda cache, key, *a, **k: reads.append(key) or real_get(cache, key, *a, **k))
    client.get(url)  # its count, its rows and three lists of choices, all from the cache
    generations = [key for key in reads if ":generation" in key]
    assert sorted(generations) == [shared_figures.GENERATION_KEY, shared_figures.ANY_KEY]  # each once
    assert len([key for key in reads if key.startswith("vinhlong_cmcn4:figures:")]) >= 6


def test_only_rows_of_models_the_figures_follow_are_shared():
    # A model whose saves do not change the generation (a summary, a reporting period) is counted afresh each time.
    from plans.tests.factories import PlanFactory
    from reports.models import ReportingPeriod, Summary
    from reports.periods import parse_period_code
    from reports.services import reporting_period_get_or_create
    from tasks.models import Task

    assert shared_figures.followed(Task) and not shared_figures.followed(Summary) and not shared_figures.followed(ReportingPeriod)
    plan, period = PlanFactory(), reporting_period_get_or_create(period=parse_period_code("2018-Y"))
    assert cached_count(Summary.objects.all()) == 0
    Summary.objects.create(plan=plan, period=period, snapshot={})  # no change of generation
    assert cached_count(Summary.objects.all()) == 1


# Narrow invalidation and one computation at a time (issue 29).


def counter():
    counted = []

    def compute(value):
        counted.append(value)
        return value

    return counted, compute


def test_a_change_computes_afresh_only_the_figures_of_its_plans_and_agencies(django_capture_on_commit_callbacks):
    counted, compute = counter()
    plan_1 = lambda: figures_cached("plan", (1,), lambda: compute("plan 1"), plans=[1])  # noqa: E731 - 1 and its child plan 11
    plan_2 = lambda: figures_cached("plan", (2,), lambda: compute("plan 2"), plans=[2])  # noqa: E731
    agency = lambda: figures_cached("agency", (5,), lambda: compute("agency 5"), agencies=[5])  # noqa: E731
    unscoped = lambda: figures_cached("count", (), lambda: compute("any"))  # noqa: E731
    for read in (plan_1, plan_2, agency, unscoped):
        read()
    assert len(counted) == 4
    with django_capture_on_commit_callbacks(execute=True):
        figures_changed(plans=[11, 1], agencies=[5])  # a report on a task of the child plan (named with its parent), by agency 5
    for read in (plan_1, plan_2, agency, unscoped):
        read()
    assert counted[4:] == ["plan 1", "agency 5", "any"]  # plan 2's figure stood
    with django_capture_on_commit_callbacks(execute=True):
        figures_changed()  # a change that names nothing: every figure
    for read in (plan_1, plan_2, agency, unscoped):
        read()
    assert counted[7:] == ["plan 1", "plan 2", "agency 5", "any"]


def test_a_saved_task_moves_its_plan_and_its_agencies_and_a_task_saved_whole_moves_everything():
    from tasks.selectors import assignment_moved, task_moved

    assignment = TaskAssignmentFactory()
    task = assignment.task
    moved = {task.plan_id}, {assignment.agency_id}
    assert task_moved(task, created=False, update_fields=["progress"], deleted=False) == moved
    assert task_moved(task, created=False, update_fields=None, deleted=False) is None  # the admin's form: maybe another plan now
    assert task_moved(task, created=False, update_fields=["plan"], deleted=False) is None
    assert assignment_moved(assignment, created=True, update_fields=None, deleted=False) == moved
    assert assignment_moved(assignment, created=False, update_fields=["role"], deleted=False) == moved
    assert assignment_moved(assignment, created=False, update_fields=None, deleted=False) is None  # maybe another agency now


def _slow_computation(name, value, started, release, results, plan):
    def compute():
        started.set()
        release.wait(10)
        return value

    return threading.Thread(target=lambda: results.append(figures_cached(name, (), compute, plans=[plan])))


def _computing_after_a_change(plan, before, after, capture, *, by_this_reader=False):
    """``before`` computed and kept for ``plan``, a change of the plan committed, and another thread computing ``after``
    (started, held until ``release`` is set): (release, results, the thread)."""
    figures_cached("board", (), lambda: before, plans=[plan])
    with capture(execute=True):
        figures_changed(plans=[plan], agencies=[])
    if not by_this_reader:
        shared_figures._request.changed = False  # this reader did not make the change
    started, release, results = threading.Event(), threading.Event(), []
    computing = _slow_computation("board", after, started, release, results, plan)
    computing.start()
    assert started.wait(10)
    return release, results, computing


def test_while_one_process_computes_a_figure_the_others_read_the_value_from_before_the_change(django_capture_on_commit_callbacks):
    counted, compute = counter()
    release, results, computing = _computing_after_a_change(3, compute("before"), "after", django_capture_on_commit_callbacks)
    assert figures_cached("board", (), lambda: compute("again"), plans=[3]) == "before"  # not a second computation
    release.set()
    computing.join(10)
    assert results == ["after"]
    assert figures_cached("board", (), lambda: compute("again"), plans=[3]) == "after"  # ready: everyone reads it
    assert counted == ["before"]


def test_the_request_that_made_the_change_waits_for_the_new_value(django_capture_on_commit_callbacks):
    release, _results, computing = _computing_after_a_change(4, "before", "after", django_capture_on_commit_callbacks, by_this_reader=True)
    threading.Timer(0.2, release.set).start()
    assert figures_cached("board", (), lambda: "computed twice", plans=[4]) == "after"
    computing.join(10)


def test_a_change_committed_while_a_figure_is_computed_is_not_hidden_behind_that_computation(django_capture_on_commit_callbacks):
    """The computation under way counts the data of the change before: a reader after the next change gets neither its
    value nor the one from before both, but the figure computed afresh (one recompute after the last change)."""
    release, results, computing = _computing_after_a_change(7, "first", "second", django_capture_on_commit_callbacks)
    with django_capture_on_commit_callbacks(execute=True):
        figures_changed(plans=[7], agencies=[])  # committed while "second" is computed
    shared_figures._request.changed = False
    try:
        assert figures_cached("board", (), lambda: "third", plans=[7]) == "third"
    finally:
        release.set()
        computing.join(10)
    assert results == ["second"]
    assert figures_cached("board", (), lambda: "again", plans=[7]) == "third"


def test_a_computation_that_ends_after_a_newer_one_does_not_become_the_value_served_meanwhile(django_capture_on_commit_callbacks):
    """ "second" (the data after the first change) ends after "third" (after the next change) was computed and kept: while
    a figure is computed again after a third change, the readers are served "third", never "second" (a figure going back
    past a change whose value was ready, for as long as another recompute takes)."""
    release, results, computing = _computing_after_a_change(8, "first", "second", django_capture_on_commit_callbacks)
    with django_capture_on_commit_callbacks(execute=True):
        figures_changed(plans=[8], agencies=[])
    shared_figures._request.changed = False
    try:
        assert figures_cached("board", (), lambda: "third", plans=[8]) == "third"
    finally:
        release.set()
        computing.join(10)
    assert results == ["second"]
    with django_capture_on_commit_callbacks(execute=True):
        figures_changed(plans=[8], agencies=[])
    shared_figures._request.changed = False
    figure = shared_figures.figure_key("board", ())
    generation = shared_figures.figures_version(plans=[8])
    assert shared_figures.cache.add(f"{figure}:computing:{generation}", generation)  # another process computes "fourth"
    assert figures_cached("board", (), lambda: "fourth", plans=[8]) == "third"


def test_a_computation_overtaken_by_a_change_still_becomes_the_value_served_when_it_is_the_newest(
    django_capture_on_commit_callbacks,
):
    """On a deadline day a report is sent every hundred milliseconds, more often than the dashboard is computed: a
    computation that ends after the next change must still replace the older value served meanwhile (it counts more
    recent data), or the readers kept being served the value from before the first change for as long as changes came."""
    release, results, computing = _computing_after_a_change(12, "first", "second", django_capture_on_commit_callbacks)
    with django_capture_on_commit_callbacks(execute=True):
        figures_changed(plans=[12], agencies=[])  # committed while "second" is computed
    shared_figures._request.changed = False
    release.set()
    computing.join(10)
    assert results == ["second"]
    figure = shared_figures.figure_key("board", ())
    generation = shared_figures.figures_version(plans=[12])
    assert shared_figures.cache.add(f"{figure}:computing:{generation}", generation)  # another process computes "third"
    assert figures_cached("board", (), lambda: "third", plans=[12]) == "second"  # the newest value, not "first"


def test_the_latest_value_is_kept_as_its_generation_value_and_when_its_computation_ended_and_began(settings):
    """What ``_computed_and_kept``, ``_newest`` and ``_recent`` say they read and write: ``(generation, value, finished,
    started)`` (their docstrings had said less than the code does: docs-only change, this pins the layout they name)."""
    before = time.time()
    assert figures_cached("board", (), lambda: "first", plans=[14]) == "first"
    generation, value, finished, started = shared_figures.cache.get(f"{shared_figures.figure_key('board', ())}:latest")
    assert (generation, value) == (shared_figures.figures_version(plans=[14]), "first")
    assert before <= started <= finished <= time.time()
    settings.FIGURES_BEHIND_SECONDS = 5
    assert shared_figures._recent((generation, value, finished, started)) and not shared_figures._recent((generation, value))


def test_a_figure_that_reads_no_report_is_served_its_value_from_before_the_change_meanwhile(django_capture_on_commit_callbacks):
    """As every figure: the value kept while it is computed again is its own, read under its own generations."""
    figures_cached("no-reports", (), lambda: "before", plans=[11], reads_reports=False)
    with django_capture_on_commit_callbacks(execute=True):
        figures_changed(plans=[11], agencies=[])
    shared_figures._request.changed = False
    figure = shared_figures.figure_key("no-reports", ())
    generation = shared_figures.figures_version(plans=[11], reads_reports=False)
    assert shared_figures.cache.add(f"{figure}:computing:{generation}", generation)  # another process computes it
    started = time.monotonic()
    assert figures_cached("no-reports", (), lambda: "after", plans=[11], reads_reports=False) == "before"
    assert time.monotonic() - started < 1


def test_a_computation_that_failed_lets_the_next_reader_compute():
    def broken():
        raise RuntimeError("database gone")

    with pytest.raises(RuntimeError):
        figures_cached("board", (), broken, plans=[6])
    started = time.monotonic()
    assert figures_cached("board", (), lambda: "computed", plans=[6]) == "computed"
    assert time.monotonic() - started < shared_figures.LOCK_SECONDS / 10  # not waiting for a lock nobody holds


def test_a_reader_waiting_for_a_figure_another_computes_computes_it_itself_when_redis_stops_answering(monkeypatch):
    """The waiting loop asked the cache every 50 ms with nothing to catch its failure: a frozen Redis made the
    waiting request fail (or wait a timeout per call) instead of computing the figure without the cache."""
    from django.core.cache import cache
    from django.core.cache.backends.locmem import LocMemCache

    from core.redis_breaker import RedisGivenUp

    figure = shared_figures.figure_key("frozen", (1,))
    lock = f"{figure}:computing:{shared_figures.figures_version()}"
    cache.add(lock, "another process", timeout=60)  # another process computes it, none computed before
    real_get_many, calls = LocMemCache.get_many, []

    def get_many(self, keys, *args, **kwargs):
        calls.append(keys)
        if lock in keys:  # Redis froze once the reader began to wait for the lock to go
            raise RedisGivenUp("Redis did not answer a moment ago")
        return real_get_many(self, keys, *args, **kwargs)

    monkeypatch.setattr(LocMemCache, "get_many", get_many)
    started = time.monotonic()
    assert figures_cached("frozen", (1,), lambda: 42) == 42
    assert time.monotonic() - started < 1
    assert any(lock in keys for keys in calls)  # it did wait for the other's lock


def test_a_figure_kept_by_the_code_before_a_deployment_is_computed_again_by_the_new_code(monkeypatch):
    """The dashboard's body is kept until the next change of figures: a deployment (other templates, other code) must
    not serve the page the old code rendered (walk: a fixed link stayed hidden until the next report was sent)."""
    from core import release, shared_figures
    from core.shared_figures import figures_cached

    assert figures_cached("page", ("vi",), lambda: "rendered by the old code") == "rendered by the old code"
    assert figures_cached("page", ("vi",), lambda: "not computed") == "rendered by the old code"
    monkeypatch.setattr(shared_figures, "release", lambda: "after-the-deployment")
    assert figures_cached("page", ("vi",), lambda: "rendered by the new code") == "rendered by the new code"
    release.release.cache_clear()
    first = release.release()
    assert len(first) == 12 and release.release() == first  # read once per process


def test_a_change_of_reports_alone_keeps_the_figures_that_read_no_report(django_capture_on_commit_callbacks):
    """A report sent moves the figures that read reports (of its plan and agency, and the lists that read a reports
    table), never those that read tasks alone; a change of tasks, or of everything, moves both; merged in one
    transaction, a change of both kinds moves both."""
    from reports.models import Report
    from tasks.models import Task

    computed: list[str] = []

    def read_all():
        for name, kwargs in [
            ("plan-tasks", {"plans": [1], "reads_reports": False}),
            ("plan-reports", {"plans": [1]}),
            ("other-plan-reports", {"plans": [2]}),
            ("agency-reports", {"agencies": [7]}),
            ("any-tasks", {"reads_reports": False}),
            ("any-reports", {}),
        ]:
            figures_cached(name, (), lambda name=name: computed.append(name) or name, **kwargs)

    read_all()
    computed.clear()
    connection.run_on_commit.clear()  # the changes before, as committed (the test's transaction never commits)
    with django_capture_on_commit_callbacks(execute=True):
        figures_changed(plans=[1], agencies=[7], reports_only=True)
    read_all()
    assert computed == ["plan-reports", "agency-reports", "any-reports"]
    computed.clear()
    connection.run_on_commit.clear()  # the changes before, as committed (the test's transaction never commits)
    with django_capture_on_commit_callbacks(execute=True):
        figures_changed(plans=[1], agencies=[7])
    read_all()
    assert computed == ["plan-tasks", "plan-reports", "agency-reports", "any-tasks", "any-reports"]
    computed.clear()
    connection.run_on_commit.clear()  # the changes before, as committed (the test's transaction never commits)
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        figures_changed(plans=[2], reports_only=True)
        figures_changed(plans=[1])
    read_all()
    assert computed == ["plan-tasks", "plan-reports", "other-plan-reports", "any-tasks", "any-reports"]
    computed.clear()
    connection.run_on_commit.clear()  # the changes before, as committed (the test's transaction never commits)
    with django_capture_on_commit_callbacks(execute=True):
        figures_changed()
    read_all()
    assert len(computed) == 6
    assert shared_figures.reads_reports(Task.objects.filter(reports__state="submitted")) and not shared_figures.reads_reports(
        Task.objects.filter(plan_id=1)
    )
    assert shared_figures.reads_reports(Report.objects.all())


def test_the_code_is_named_when_the_process_starts_not_when_a_figure_is_first_kept():
    """A process that named its code only when it first kept a figure, after a deployment replaced the files under it,
    would have stored the old code's pages under the new code's name (hatk3)."""
    from core.release import release

    assert release.cache_info().currsize == 1  # named by CoreConfig.ready, before any figure


def test_a_shared_list_names_its_question_from_one_compilation(monkeypatch):
    """Whether a list reads reports, and the name of its question, came from two compilations of its SQL, and a
    filter's choices were named three times more as the form rendered them: building SQL to find the cached rows was
    half of the leadership's task list on a deadline day. One compilation now, kept on the queryset."""
    from django.db.models.sql.query import Query

    from tasks.models import Task

    compiled = []
    original = Query.sql_with_params
    monkeypatch.setattr(Query, "sql_with_params", lambda self: compiled.append(1) or original(self))
    tasks = Task.objects.filter(reports__state="submitted")
    assert shared_figures.reads_reports(tasks)
    digest = shared_figures.query_digest(tasks)
    assert shared_figures.query_digest(tasks, "trang 2") != digest
    assert len(compiled) == 1
    assert shared_figures.query_digest(Task.objects.filter(reports__state="submitted")) == digest  # the same question
    assert shared_figures.query_digest(Task.objects.filter(reports__state="draft")) != digest
    assert shared_figures.query_digest(tasks.filter(plan_id=3)) != digest  # another queryset, named afresh
    assert not shared_figures.reads_reports(Task.objects.filter(plan_id=1))


def test_a_value_kept_in_process_is_computed_again_only_once_the_registry_changed(settings, django_capture_on_commit_callbacks):
    counted, compute = counter()
    registry = {1: "Sở A"}
    wanted = [1]
    directory = lambda: shared_figures.kept_in_process(  # noqa: E731
        "directory", lambda: compute(dict(registry)), enough=lambda known: all(pk in known for pk in wanted)
    )
    assert directory() == directory() == {1: "Sở A"}
    assert len(counted) == 1
    with django_capture_on_commit_callbacks(execute=True):
        figures_changed(plans=[1], agencies=[5])  # a report sent, a task saved: the registry stands
    directory()
    assert len(counted) == 1
    registry[1] = "Sở A mới"
    with django_capture_on_commit_callbacks(execute=True):
        figures_changed()  # an agency renamed, a lineage added: a change that names nothing
    assert directory() == {1: "Sở A mới"}
    assert len(counted) == 2
    registry[2], wanted[:] = "Sở B", [1, 2]  # a row names an agency the kept value does not know: not enough
    assert directory() == {1: "Sở A mới", 2: "Sở B"}
    assert len(counted) == 3
    settings.FIGURES_CACHE_SECONDS = 0  # a write no signal saw (SQL by hand) is caught as a cached figure's is
    directory()
    assert len(counted) == 4


def test_the_dashboard_names_an_agency_as_renamed_once_the_renaming_commits(django_capture_on_commit_callbacks):
    from reports.dashboard import dashboard_afresh

    task = TaskFactory(plan__state="in_force")
    agency = AgencyFactory(name="Sở Thông tin và Truyền thông")
    TaskAssignmentFactory(task=task, agency=agency, role=AssignmentRole.LEAD)
    assert [row["agency"].name for row in dashboard_afresh().agencies] == ["Sở Thông tin và Truyền thông"]
    with django_capture_on_commit_callbacks(execute=True):
        Agency.objects.filter(pk=agency.pk).update(name="Sở Khoa học và Công nghệ")  # a rename the process has not seen…
        agency.refresh_from_db()
        agency.save()  # …until a save commits, as the admin's does
    assert [row["agency"].name for row in dashboard_afresh().agencies] == ["Sở Khoa học và Công nghệ"]
