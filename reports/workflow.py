"""The path of a progress report from draft to acceptance.

    officer: draft ──send_for_approval──▶ pending ──submit (head)──▶ submitted ──accept (coordinator)──▶ accepted
                 ▲                           │                          │
                 └──────── send_back (head) ─┴──── return (coordinator) ┘   (state "returned"; revised, then sent again)

The agency head may also submit a draft or a returned report directly. Who may act on
which agency's reports is ``vinhlong_cmcn4.policy``'s business; this module only knows
states, actions and the role each action needs.
"""

from dataclasses import dataclass

from plans.choices import Role

from .choices import ReportState, WorkflowAction

EDITABLE_STATES = frozenset({ReportState.DRAFT, ReportState.RETURNED})


@dataclass(frozen=True)
class Transition:
    action: str
    sources: frozenset[str]
    target: str
    roles: frozenset[str]
    needs_comment: bool = False


TRANSITIONS = {
    t.action: t
    for t in (
        Transition(WorkflowAction.SEND_FOR_APPROVAL, EDITABLE_STATES, ReportState.PENDING, frozenset({Role.OFFICER, Role.HEAD})),
        Transition(
            WorkflowAction.SEND_BACK, frozenset({ReportState.PENDING}), ReportState.RETURNED, frozenset({Role.HEAD}), needs_comment=True
        ),
        Transition(
            WorkflowAction.SUBMIT, frozenset({ReportState.PENDING, *EDITABLE_STATES}), ReportState.SUBMITTED, frozenset({Role.HEAD})
        ),
        Transition(
            WorkflowAction.RETURN,
            frozenset({ReportState.SUBMITTED}),
            ReportState.RETURNED,
            frozenset({Role.COORDINATOR}),
            needs_comment=True,
        ),
        Transition(WorkflowAction.ACCEPT, frozenset({ReportState.SUBMITTED}), ReportState.ACCEPTED, frozenset({Role.COORDINATOR})),
    )
}


def transition_for(action: str) -> Transition:
    return TRANSITIONS[action]


def allowed_actions(state: str, role: str | None) -> list[str]:
    """The actions ``role`` may take on a report in ``state``, in workflow order."""
    return [t.action for t in TRANSITIONS.values() if state in t.sources and role in t.roles]


def is_editable(state: str) -> bool:
    return state in EDITABLE_STATES
