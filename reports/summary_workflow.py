"""The path of a summary from draft to the signed document of record (Nghị định 30/2020/NĐ-CP).

    coordinator: draft ──submit ("Trình ký")──▶ submitted ("Chờ ký") ──issue (leadership)──▶ issued ──sign──▶ issued + signed copy
                   ▲  (edit, compile again)         │
                   └──────── return (leadership, with a comment) ┘

The coordinator writes the draft and sends it for signature; leadership returns it with a comment
or issues it (the number is given, text and figures are frozen together). Leadership may also issue
a draft directly. The signed PDF, made outside the portal with the signer's USB token, is then
received once and becomes the document of record. Who holds which role is ``policy``'s business;
this module only knows states, steps and the role each step needs.
"""

from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from plans.choices import Role

from .choices import SummaryAction, SummaryState

# Steps that are not a change of state: writing a section and compiling again (a draft only),
# receiving the signed copy (an issued summary without one).
EDIT = SummaryAction.EDIT.value
SIGN = SummaryAction.SIGN.value
WRITERS = frozenset({Role.COORDINATOR, Role.ADMIN})
SIGNERS = frozenset({Role.LEADERSHIP, Role.ADMIN})


@dataclass(frozen=True)
class Step:
    action: str
    sources: frozenset[str]
    target: str
    roles: frozenset[str]
    button: str | Promise
    needs_comment: bool = False


STEPS = {
    step.action: step
    for step in (
        Step(SummaryAction.SUBMIT, frozenset({SummaryState.DRAFT}), SummaryState.SUBMITTED, WRITERS, _("Send for signature")),
        Step(
            SummaryAction.RETURN,
            frozenset({SummaryState.SUBMITTED}),
            SummaryState.DRAFT,
            SIGNERS,
            _("Return with a comment"),
            needs_comment=True,
        ),
        Step(
            SummaryAction.ISSUE,
            frozenset({SummaryState.DRAFT, SummaryState.SUBMITTED}),
            SummaryState.ISSUED,
            SIGNERS,
            _("Issue and freeze"),
        ),
    )
}


def allowed_actions(state: str, role: str | None, *, signed: bool) -> list[str]:
    """The steps a user of ``role`` may take on a summary in ``state``, in workflow order."""
    actions = []
    if state == SummaryState.DRAFT and role in WRITERS:
        actions.append(EDIT)
    actions += [step.action for step in STEPS.values() if state in step.sources and role in step.roles]
    if state == SummaryState.ISSUED and not signed and role in WRITERS | SIGNERS:
        actions.append(SIGN)
    return actions


def is_editable(state: str) -> bool:
    """Only a draft's text and figures change (compiled again, sections written)."""
    return state == SummaryState.DRAFT


def awaits_signature(state: str) -> bool:
    """A summary waiting for leadership ("chờ ký"): one of leadership's things to do."""
    return state == SummaryState.SUBMITTED
