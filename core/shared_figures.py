"""Figures computed from many rows and read by many people (the leadership dashboard), kept in the shared cache.

A cached figure is stored under *generations*: one for everything (``all``), one for "any change"
(``any``), and one per plan and per agency. Every service that changes what such figures count (a
report's workflow step, a task's completion or extension, assignments, a reorganisation, an import)
calls :func:`figures_changed` inside its transaction, naming the plans and agencies whose figures
it moves when it knows them, and so does every save or delete of the models the figures and lists
read (:func:`saved_or_deleted`, connected by each app's ``ready``, each model saying which plans and
agencies a row moves; the admin's forms included). Once the transaction commits, those generations
change (and ``any``; ``all`` when the change named nothing). A figure that names the plans it reads
(the dashboard: the plans in force and their families) is computed afresh only when one of them, or
everything, changed; a figure that names nothing (a list's count) after any change. A change rolled
back changes nothing. Writes that send no signal (``update()`` outside the services, SQL by hand)
are caught by ``FIGURES_CACHE_SECONDS``, the longest a cached figure is kept.

One computation per figure and generation at a time: the first reader to miss takes a lock (``cache.add``)
and computes; meanwhile the others are served the value computed before the change, and once the new
value is stored every reader gets it; a value overtaken by the next change while it was computed still replaces
the one served meanwhile when its computation began after that one's (changes faster than a computation never leave
the readers with the value from before the first of them). The value served meanwhile is kept as the figure's
*latest*, ``(generation, value, finished, started)``: its generation, and when its computation ended and began.
A figure read by many and costly to compute (the dashboard's page, ``behind=True``) is not computed on its
reader's time while changes come in quick succession: when the value before the change was computed less than
``FIGURES_BEHIND_SECONDS`` ago, the first reader is served it too and computes the new one once its response has
gone (``request_finished``), so no reader waits for it; on a quiet day (an older value) the reader computes it as
any figure's. A computation of an earlier generation still under way holds no reader of the new one: the first of
them computes it (a reader never waits behind a figure already stale). A request that made the change itself, or
that finds no earlier value, waits for the new value (or computes it when the one computing died).

The cache is Redis in production (the database table ``portal_cache`` without it). A cache that
is down never breaks a page: the figure is computed as if nothing was cached.
"""

import hashlib
import logging
import time
import uuid
from collections.abc import Callable, Iterable
from typing import Any, TypeVar

from asgiref.local import Local
from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import EmptyResultSet
from django.db import transaction
from django.db.models import QuerySet
from django.db.models.signals import post_delete, post_save

from .after_response import after_response, in_request, request_scoped
from .release import release

logger = logging.getLogger(__name__)
PREFIX = "vinhlong_cmcn4:figures"
GENERATION_KEY = f"{PREFIX}:generation"  # everything ("all")
ANY_KEY = f"{PREFIX}:generation:any"  # any_key()
LOCK_SECONDS = 60  # a computation that takes longer (or whose process died) lets another reader compute
WAIT_STEP_SECONDS = 0.05
T = TypeVar("T")


REPORTS = "reports"  # the generations moved by a change of reports alone (a report's step that touches no task)


def plan_key(plan_id: int, kind: str = "") -> str:
    return f"{PREFIX}:generation:{kind}plan:{plan_id}"


def agency_key(agency_id: int, kind: str = "") -> str:
    return f"{PREFIX}:generation:{kind}agency:{agency_id}"


def any_key(kind: str = "") -> str:
    return f"{PREFIX}:generation:{kind}any"


# A request reads each generation once, however many figures it shows (each read is a round trip to the cache).
_request = Local()


def _request_reset() -> None:
    _request.generations, _request.changed = {}, False


request_scoped(_request_reset)


def _generations(keys: list[str]) -> list[str]:
    """The generation under each of ``keys`` (made when missing), read once per request."""
    known: dict[str, str] = getattr(_request, "generations", None) or {}
    absent = [key for key in keys if key not in known]
    if absent:
        found = cache.get_many(absent)
        missing = [key for key in absent if key not in found]
        if missing:
            for key in missing:
                cache.add(key, uuid.uuid4().hex, timeout=None)
            found.update(cache.get_many(missing))
        if in_request():
            known.update(found)
            _request.generations = known
        else:
            known = {**known, **found}
    return [known[key] for key in keys]


class _Bump:
    """The change of generations a transaction makes once it commits: the plans' and agencies' (and ``any``),
    or everything's when a change in it named nothing; a change of reports alone moves their report generations
    (:data:`REPORTS`), which only the figures that read reports follow."""

    def __init__(self, plans: set[int] | None, agencies: set[int] | None, *, reports_only: bool = False):
        self.everything = plans is None and agencies is None
        named = (set(plans or ()), set(agencies or ()))
        empty: tuple[set[int], set[int]] = (set(), set())
        self.plans, self.agencies = empty if reports_only else named
        self.report_plans, self.report_agencies = named if reports_only else (set(), set())

    def merge(self, other: "_Bump") -> None:
        self.everything |= other.everything
        self.plans |= other.plans
        self.agencies |= other.agencies
        self.report_plans |= other.report_plans
        self.report_agencies |= other.report_agencies

    def keys(self) -> list[str]:
        if self.everything:
            return [GENERATION_KEY]
        keys = []
        for kind, plans, agencies in (("", self.plans, self.agencies), (REPORTS, self.report_plans, self.report_agencies)):
            if plans or agencies:
                keys += [any_key(kind), *(plan_key(p, kind) for p in sorted(plans)), *(agency_key(a, kind) for a in sorted(agencies))]
        return keys

    def __call__(self) -> None:
        _request.generations = {}  # a request that changed the figures reads them afresh too
        _request.changed = True
        try:
            cache.set_many({key: uuid.uuid4().hex for key in self.keys()}, timeout=None)
        except Exception:  # noqa: BLE001 - a cache outage must not undo a committed write; FIGURES_CACHE_SECONDS bounds the staleness
            logger.warning("cache unreachable: cached figures are not invalidated", exc_info=True)


def figures_changed(
    *, plans: Iterable[int] | None = None, agencies: Iterable[int] | None = None, using: str | None = None, reports_only: bool = False
) -> None:
    """Once the current transaction commits (at once outside one), cached figures of ``plans`` and ``agencies``
    (every cached figure when neither is given) are computed afresh.

    ``reports_only``: the change wrote reports and what is kept of them, and no task, plan, agency or assignment
    (a report sent, returned, recalled: not accepted, whose progress moves the task); the figures that read no
    report (a plan's public figures, a list of tasks without a report filter) are kept.

    A change names its plan and the plan that plan carries out (whose figures take its tasks); a figure of a
    plan's family names that plan. One change of
    generations per transaction however many rows it writes: a change already waiting for the commit
    is merged into this one, which moves to the end of the queue (so whoever collects this step's
    callbacks, a test's ``captureOnCommitCallbacks``, finds it), kept unless a savepoint holding both
    changes is rolled back (merging only adds keys: a rolled-back part invalidates a little more than
    needed, never less). (``connection.run_on_commit`` is where ``transaction.on_commit`` queues its
    callbacks, as tuples of savepoint ids, callback and robustness; ``test_shared_figures`` pins what
    is relied on here.)
    """
    bump = _Bump(None if plans is None else set(plans), None if agencies is None else set(agencies), reports_only=reports_only)
    connection = transaction.get_connection(using)
    if not connection.in_atomic_block:
        transaction.on_commit(bump, using=using)  # at once
        return
    queue, savepoints = connection.run_on_commit, set(connection.savepoint_ids)
    for index in range(len(queue) - 1, -1, -1):  # the waiting one is the last of ours, most often near the end
        if isinstance(queue[index][1], _Bump):
            bump.merge(queue[index][1])
            savepoints &= queue[index][0]  # dropped only with a savepoint both changes were made in
            queue[index] = (queue[index][0], _moved_on, False)  # its place kept: a test's capture counts places
            break
    queue.append((savepoints, bump, False))  # as transaction.on_commit queues it


def waiting_changes(using: str | None = None) -> list[_Bump]:
    """The changes of generations waiting for the current transaction's commit (for tests)."""
    return [entry[1] for entry in transaction.get_connection(using).run_on_commit if isinstance(entry[1], _Bump)]


def _moved_on() -> None:
    """What a waiting change of generation leaves behind when a later change takes it to the end of the queue."""


Scope = tuple[set[int], set[int]] | None  # (plans, agencies) a row moves; None: everything


def saved_or_deleted(sender, *, instance, using: str, signal, **kwargs) -> None:
    """``post_save``/``post_delete`` receiver of the models that cached figures and lists read: any write to them,
    the admin's forms included, computes the figures it moves afresh once it commits."""
    scope = _scopes.get(sender)
    moved = (
        scope(instance, created=kwargs.get("created", False), update_fields=kwargs.get("update_fields"), deleted=signal is post_delete)
        if scope is not None
        else None
    )
    if moved is None:
        figures_changed(using=using)
    else:
        figures_changed(plans=moved[0], agencies=moved[1], using=using)


_followed: set[type] = set()
_scopes: dict[type, Callable[..., Scope]] = {}


def followed(model: type) -> bool:
    """Does every save or delete of ``model`` change the figures? Only rows of such models are shared from the cache
    (counts, pages of rows, choices); anything else is read afresh each time."""
    return model in _followed


def read_by_figures(app_config, model_names: Iterable[str], scopes: dict[str, Callable[..., Scope]] | None = None) -> None:
    """From an app's ``ready``: a save or delete of these models changes the figures (:func:`saved_or_deleted`).

    ``scopes``: for a model, which plans and agencies a row's change moves, called with the row and
    ``created``, ``update_fields`` and ``deleted`` (None from it: everything); a model without one moves everything.
    """
    for name in model_names:
        model = app_config.get_model(name)
        _followed.add(model)
        if scopes and name in scopes:
            _scopes[model] = scopes[name]
        post_save.connect(saved_or_deleted, sender=model, dispatch_uid=f"figures_{model._meta.label}_saved")
        post_delete.connect(saved_or_deleted, sender=model, dispatch_uid=f"figures_{model._meta.label}_deleted")


def _scope_keys(plans: Iterable[int] | None, agencies: Iterable[int] | None, reads_reports: bool = True) -> list[str]:
    kinds = ("", REPORTS) if reads_reports else ("",)
    if plans is None and agencies is None:
        return [GENERATION_KEY, *map(any_key, kinds)]
    plans, agencies = sorted(set(plans or ())), sorted(set(agencies or ()))
    return [
        GENERATION_KEY,
        *(plan_key(p, kind) for kind in kinds for p in plans),
        *(agency_key(a, kind) for kind in kinds for a in agencies),
    ]


def figures_version(*, plans: Iterable[int] | None = None, agencies: Iterable[int] | None = None, reads_reports: bool = True) -> str:
    """A name for the state of the figures of ``plans`` or ``agencies`` (of everything when neither is given): it
    changes when a change they depend on commits (:func:`figures_changed`; a change of reports alone only when
    ``reads_reports``). Raises when the cache is unreachable."""
    return hashlib.sha256(":".join(_generations(_scope_keys(plans, agencies, reads_reports))).encode()).hexdigest()[:32]


_in_process: dict[str, tuple[str, float, Any]] = {}


def kept_in_process(name: str, compute: Callable[[], T], *, enough: Callable[[T], bool] = lambda value: True) -> T:
    """``compute()``'s result, kept by this process until a change that names no plan or agency commits (``all``: the
    registry of agencies and their lineage, plans, groups: every save of theirs, and every service that changes them,
    calls :func:`figures_changed` without naming any), ``FIGURES_CACHE_SECONDS`` at most. For what every computation of
    a figure reads and hardly ever changes (the names of 300 agencies at 10× the province): no query, no object made.
    ``enough(value)`` false (a row names an agency created since): computed again. The value is shared by the process's
    threads: read it, never change it. The cache unreachable, computed each time."""
    try:
        generation = _generations([GENERATION_KEY])[0]
    except Exception:  # noqa: BLE001 - computed without the cache
        return compute()
    kept = _in_process.get(name)
    now = time.monotonic()
    if kept is not None and kept[0] == generation and now - kept[1] < settings.FIGURES_CACHE_SECONDS and enough(kept[2]):
        return kept[2]
    value = compute()  # of the generation read before: a change meanwhile moves it, and the next read computes again
    _in_process[name] = (generation, now, value)
    return value


def figure_key(name: str, parts: tuple) -> str:
    """Where a figure is kept, before its version: its name and parts, and the code's (``core.release``), so a
    deployment computes and renders it afresh."""
    return f"{PREFIX}:{name}:{release()}:" + ":".join(str(part) for part in parts)


def figures_cached(
    name: str,
    parts: tuple,
    compute: Callable[[], T],
    *,
    plans: Iterable[int] | None = None,
    agencies: Iterable[int] | None = None,
    reads_reports: bool = True,
    behind: bool = False,
) -> T:
    """``compute()``'s result, from the cache when the same figure (``name``, ``parts``) was computed since the last change
    it depends on: of ``plans`` or ``agencies`` when given (a family's figure names its plan: a change of a plan
    carrying it out names it too), of anything otherwise; a change of reports alone only when ``reads_reports``
    (a figure that reads no report names it: ``reads_reports=False``).

    While another process computes it after a change, the latest value kept (computed before) is returned, except to
    the request that made the change, which waits for the new one (see the module).
    ``behind``: while changes come in quick succession, the reader who finds it out of date is served the value
    before the change too and computes the new one after its response (see the module).
    """
    plans, agencies = (None if plans is None else list(plans)), (None if agencies is None else list(agencies))  # read twice
    try:
        figure = figure_key(name, parts)
        generation = figures_version(plans=plans, agencies=agencies, reads_reports=reads_reports)
        key = f"{figure}:{generation}"
        found = cache.get_many([key, f"{figure}:latest"])
    except Exception:  # noqa: BLE001 - the page is computed without the cache
        logger.warning("cache unreachable: figures computed without it", exc_info=True)
        return compute()
    if key in found:
        return found[key]
    latest = found.get(f"{figure}:latest")
    lock = f"{figure}:computing:{generation}"  # a computation of an earlier generation never holds back this one
    try:
        mine = cache.add(lock, generation, timeout=LOCK_SECONDS)
    except Exception:  # noqa: BLE001
        mine = True
    served_before = latest is not None and not getattr(_request, "changed", False)
    if not mine:
        if served_before:
            return latest[1]  # one computation at a time: the value from before the change meanwhile
        value = _wait_for(key, lock)
        if value is not None:
            return value
    elif (
        behind
        and served_before
        and _recent(latest)
        and after_response(lambda: _computed_and_kept(figure, generation, compute, lock, plans, agencies, reads_reports))
    ):
        return latest[1]
    return _computed_and_kept(figure, generation, compute, lock if mine else None, plans, agencies, reads_reports)


def _recent(latest: tuple) -> bool:
    """Did the computation of this latest value ``(generation, value, finished, started)`` end less than
    ``FIGURES_BEHIND_SECONDS`` ago (changes are coming in quick succession)? No for one kept without the time."""
    return len(latest) > 2 and time.time() - latest[2] < settings.FIGURES_BEHIND_SECONDS


def _computed_and_kept(
    figure: str,
    generation: str,
    compute: Callable[[], T],
    lock: str | None,
    plans: list[int] | None,
    agencies: list[int] | None,
    reads_reports: bool,
) -> T:
    """``compute()``, kept under ``generation``; the lock taken to compute it (``lock``; None: computed without one, the
    lock another's or the cache unreachable) released, even when ``compute`` raised.

    Also kept as the figure's latest value, ``(generation, value, finished, started)`` (``time.time()`` when its
    computation ended and began), the one served while the next is computed, when :func:`_newest` says it is: its
    generation is still the figures' version, or the latest kept began earlier than this one. Run on its reader's
    time, or after the response by the reader served the latest meanwhile (``figures_cached(behind=True)``); the
    cache unreachable, the value is returned without being kept."""
    started = time.time()
    try:
        value = compute()
        try:
            kept: dict[str, Any] = {f"{figure}:{generation}": value}
            if _newest(figure, generation, started, plans=plans, agencies=agencies, reads_reports=reads_reports):
                kept[f"{figure}:latest"] = (generation, value, time.time(), started)
            cache.set_many(kept, timeout=settings.FIGURES_CACHE_SECONDS)
        except Exception:  # noqa: BLE001
            logger.warning("cache unreachable: figures not kept", exc_info=True)
    finally:
        if lock is not None:
            _release(lock)
    return value


def _newest(
    figure: str, generation: str, started: float, *, plans: Iterable[int] | None, agencies: Iterable[int] | None, reads_reports: bool
) -> bool:
    """Is the value whose computation began at ``started`` for ``generation`` the one to serve from now on (``latest``)?

    Yes when no latest is kept (or one kept before it said when it began), or the latest kept began at or before
    ``started`` (it read older rows): while changes come in quick succession most computations end after the next
    change, and a value they overtook is still newer than the one served. Otherwise (a computation that began later
    ended first) only when ``generation`` is still the figures' version, read afresh (not as this request first read
    it): the value served never goes back to an older generation's."""
    keys = _scope_keys(plans, agencies, reads_reports)
    found = cache.get_many([*keys, f"{figure}:latest"])
    latest = found.get(f"{figure}:latest")
    if latest is None or len(latest) < 4 or latest[3] <= started:
        return True
    return (
        all(key in found for key in keys) and hashlib.sha256(":".join(found[key] for key in keys).encode()).hexdigest()[:32] == generation
    )


def _release(lock: str) -> None:
    try:
        cache.delete(lock)
    except Exception:  # noqa: BLE001
        logger.warning("cache unreachable: the lock of a figure is left to expire", exc_info=True)


def _wait_for(key: str, lock: str) -> Any:
    """The value another process is computing, once it is stored; None when its lock went without one."""
    deadline = time.monotonic() + LOCK_SECONDS
    while time.monotonic() < deadline:
        time.sleep(WAIT_STEP_SECONDS)
        try:
            found = cache.get_many([key, lock])
        except Exception:  # noqa: BLE001 - Redis stopped answering: the caller computes the figure without the cache
            logger.warning("cache unreachable while waiting for a figure: computed without it", exc_info=True)
            return None
        if key in found:
            return found[key]
        if lock not in found:
            return None
    return None


def _question(queryset: QuerySet) -> tuple[str, bool]:
    """The name of the exact question ``queryset`` asks (its database, SQL and parameters) and whether its SQL reads a
    table of the reports app, from one compilation, kept on the queryset. Building the SQL of a filtered list is most
    of what asking for its cached rows costs, and a page asks each of its querysets both (a choice of a filter three
    times, as the form renders it): a queryset never changes once built (``filter()`` and the like return another)."""
    known = queryset.__dict__.get("_figures_question")
    if known is None:
        sql, params = queryset.query.sql_with_params()
        known = (hashlib.sha256(repr((queryset.db, sql, params)).encode()).hexdigest(), '"reports_' in sql)
        queryset.__dict__["_figures_question"] = known
    return known


def reads_reports(queryset: QuerySet) -> bool:
    """Does ``queryset`` read a table of the reports app (its SQL names one: ``reports_…``)? A change of reports alone
    (``figures_changed(reports_only=True)``) writes no other table, so a count or a page of rows that reads none is kept."""
    return _question(queryset)[1]


def query_digest(queryset: QuerySet, *extra) -> str:
    """A name for the exact question ``queryset`` asks (its SQL and parameters: user scope, filters, date), and ``extra``."""
    return hashlib.sha256(repr((_question(queryset)[0], extra)).encode()).hexdigest()


def cached_count(queryset: QuerySet) -> int:
    """``queryset.count()``, shared by every request that asks the same query (the same SQL and parameters,
    so the same user scope, filters and date) until the figures change; counted afresh for a model they do not follow."""
    if not followed(queryset.model):
        return queryset.count()
    try:
        digest = query_digest(queryset)
    except EmptyResultSet:  # a condition that matches nothing (``pk__in=[]``): counted without a query
        return queryset.count()
    return figures_cached("count", (digest,), queryset.count, reads_reports=reads_reports(queryset))
