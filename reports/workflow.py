"""The path of a progress report from draft to acceptance.

    officer: draft ──send_for_approval──▶ pending ──submit (head)──▶ submitted ──accept (coordinator)──▶ accepted
                 ▲                           │                          │
                 └──────── send_back (head) ─┴──── return (coordinator) ┘   (state "returned"; revised, then sent again)

The agency head may recall (thu hồi) a report it submitted while the coordinator has not acted on
it yet: it goes back to a draft. The agency head may also submit a draft, or a report the coordinator returned, directly; a report
the head sent back waits for the officer's revision. A report an administrator withdrew (``services.withdrawal``, state
"withdrawn") is owed again: its agency edits it and sends it again as a returned one, its withdrawal kept in its history.
Who may act on which agency's reports is
``plans.policy``'s business; this module only knows states, actions and the role each
action needs.
"""

from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from plans.choices import Role

from .choices import ReportState, WorkflowAction

EDITABLE_STATES = frozenset({ReportState.DRAFT, ReportState.RETURNED, ReportState.WITHDRAWN})  # the agency writes and sends it
SENDING_TARGETS = frozenset({ReportState.PENDING, ReportState.SUBMITTED})  # the steps "send" takes from a draft
COMMENT_MAX_LENGTH = 5000  # a step's comment (a return's reason), on the web's form and in the API's body alike


@dataclass(frozen=True)
class Transition:
    action: str
    sources: frozenset[str]
    target: str
    roles: frozenset[str]
    button: str | Promise  # what the button says: the action, not the state it leads to
    needs_comment: bool = False


TRANSITIONS = {
    t.action: t
    for t in (
        Transition(
            WorkflowAction.SEND_FOR_APPROVAL, EDITABLE_STATES, ReportState.PENDING, frozenset({Role.OFFICER}), _("Send for approval")
        ),
        Transition(
            WorkflowAction.SEND_BACK,
            frozenset({ReportState.PENDING}),
            ReportState.RETURNED,
            frozenset({Role.HEAD}),
            _("Send back for revision"),
            needs_comment=True,
        ),
        Transition(
            WorkflowAction.SUBMIT,
            frozenset({ReportState.PENDING, *EDITABLE_STATES}),
            ReportState.SUBMITTED,
            frozenset({Role.HEAD}),
            _("Approve and submit"),
        ),
        Transition(
            WorkflowAction.RETURN,
            frozenset({ReportState.SUBMITTED}),
            ReportState.RETURNED,
            frozenset({Role.COORDINATOR}),
            _("Return to the agency"),
            needs_comment=True,
        ),
        Transition(
            WorkflowAction.ACCEPT, frozenset({ReportState.SUBMITTED}), ReportState.ACCEPTED, frozenset({Role.COORDINATOR}), _("Accept")
        ),
        Transition(WorkflowAction.RECALL, frozenset({ReportState.SUBMITTED}), ReportState.DRAFT, frozenset({Role.HEAD}), _("Recall")),
    )
}


def transition_for(action: str) -> Transition:
    return TRANSITIONS[action]


def allowed_actions(state: str, role: str | None, *, sent_back: bool = False) -> list[str]:
    """The actions ``role`` may take on a report in ``state``, in workflow order.

    ``sent_back``: the head returned this report to the officer, so the head has nothing to do
    on it until the officer sends it again.
    """
    if sent_back and role == Role.HEAD:
        return []
    return [t.action for t in TRANSITIONS.values() if state in t.sources and role in t.roles]


def sending_action(actions: list[str]) -> str | None:
    """Of the steps a user may take (``reports_policy.report_actions``), the one "send" takes from a draft; None when none."""
    return next((action for action in actions if TRANSITIONS[action].target in SENDING_TARGETS), None)


# What the page says once "send" has taken its step: where the report went, never "sent" while it waits for the head.
# ``reviewer``: who reviews it, in words (reports.policy.reviewer_words: the coordinating agency, or leadership).
SENT_MESSAGES: dict[str, str | Promise] = {
    ReportState.PENDING: _("Saved and put to the head of the agency for approval: it goes to %(reviewer)s once approved."),
    ReportState.SUBMITTED: _("Saved and sent to %(reviewer)s."),
}


def sent_message(state: str, reviewer: str) -> str:
    """The message after "send" took a report from a draft into ``state`` (one of ``SENDING_TARGETS``)."""
    return SENT_MESSAGES[state] % {"reviewer": reviewer}


def is_editable(state: str) -> bool:
    return state in EDITABLE_STATES
