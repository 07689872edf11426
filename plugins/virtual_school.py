"""The Virtual School role plugin, and the sample cohort's workflow and quality-assurance examples.

The Virtual School Head and education advisers quality-assure PEPs (``services.qa``), approve or
return them (``services.workflow``) and control PP+. Their home views are the QA queue
(``services.qa.queue``) and cohort compliance (``services.views.cohort_compliance``).

For the training cohort this plugin makes sure every workflow state and both QA scales can be seen:
a finalised PEP, an acknowledged one, a resubmission after a return (with its rating history), a
corrected approved PEP superseded by its new revision, and earlier terms rated on the
Gold/Green/Amber/Red scale with a rating per section.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, time, timedelta

from pep_tui.domain import PEP, PEPStatus, QARating, SignOff
from pep_tui.plugins import hookimpl
from pep_tui.plugins.api import (
    Capability,
    RoleDefinition,
    SampleCohort,
    SampleContributor,
    ScopeKind,
)

PEP_TUI_API_VERSION = "1.0"

ROLE = RoleDefinition(
    id="virtual_school",
    title="Virtual School",
    scope=ScopeKind.ALL,
    capabilities=frozenset({
        Capability.VIEW_CHILD,
        Capability.EDIT_CHILD,
        Capability.CREATE_CHILD,
        Capability.START_PEP,
        Capability.EDIT_PEP,
        Capability.SUBMIT_PEP,
        Capability.APPROVE_PEP,
        Capability.RETURN_PEP,
        Capability.RATE_QA,
        Capability.VIEW_AUDIT,
        Capability.GRANT_FAMILY_ACCESS,
        Capability.REQUEST_FUNDING,
        Capability.DECIDE_FUNDING,
        Capability.VIEW_REPORTS,
        Capability.EXPORT_DATA,
        Capability.IMPORT_DATA,
    }),
    description="The Virtual School Head and education advisers: quality-assure PEPs, approve or return them, control PP+; see every child of the LA.",
    limited_view=False,
    read_only=False,
    order=2,
)

ADVISER = "vs.adviser"
_GGAR = ("gold", "green", "amber", "red")
_RETURN_REASONS = (
    "Targets need owners and review dates; please add the child's views.",
    "Attendance is not recorded for this term; please add it and resubmit.",
    "The PP+ request is not linked to a target; link it and resubmit.",
)


#: Overall ratings the sample's Gold/Green/Amber/Red examples aim at, in turn.
_GGAR_PATTERN = ("gold", "green", "amber", "gold", "green", "red")


def _ggar_sections(cohort: SampleCohort, pep: PEP, aim: str) -> dict[str, str]:
    """Section ratings whose overall, by 'any red → red; all but one gold → gold; else worst', is ``aim``."""
    rng = cohort.rng
    ids = sorted(pep.sections)[:5] or ["shared.targets"]
    if aim == "gold":
        ratings = ["gold"] * len(ids)
        ratings[rng.randrange(len(ids))] = rng.choice(["gold", "green"])
    elif aim == "green":
        ratings = [rng.choice(["gold", "green"]) for _ in ids]
        for k in rng.sample(range(len(ids)), min(2, len(ids))):
            ratings[k] = "green"
    else:
        ratings = [rng.choice(["gold", "green", "amber"]) for _ in ids]
        ratings[rng.randrange(len(ids))] = aim
    return dict(zip(ids, ratings, strict=True))


def _ggar_rating(cohort: SampleCohort, pep: PEP, at: datetime, aim: str) -> QARating:
    """A Gold/Green/Amber/Red rating per section; overall by 'any red → red; all but one gold → gold'."""
    sections = _ggar_sections(cohort, pep, aim)
    values = list(sections.values())
    if "red" in values:
        overall = "red"
    elif [v for v in values if v != "gold"] in ([], ["green"]):
        overall = "gold"
    else:
        overall = max(values, key=_GGAR.index)
    feedback = {"gold": "Outstanding: the child's voice shapes every target.", "green": "Good, with clear SMART targets.",
                "amber": "Targets need sharper success measures.", "red": "Attendance and targets missing."}[overall]
    section_feedback = {sid: "Needs work before next term." for sid, v in sections.items() if v in ("amber", "red")}
    return QARating(scale="ggar", overall=overall, sections=sections, feedback=feedback,
                    section_feedback=section_feedback, by=ADVISER, at=at)


def _stamp_after(pep: PEP, days: int) -> datetime:
    return datetime.combine(pep.term_ref.start + timedelta(days=days), time(11, 0), tzinfo=UTC)


def add_workflow_examples(cohort: SampleCohort) -> None:
    """Give the sample cohort every workflow state and QA ratings on both scales (``cohort.rng`` only)."""
    rng = cohort.rng
    current = [(cid, peps[-1]) for cid, peps in cohort.peps.items() if peps]
    by_status: dict[PEPStatus, list[tuple[str, PEP]]] = {}
    for cid, pep in current:
        by_status.setdefault(pep.status, []).append((cid, pep))
    child_by_id = {c.id: c for c in cohort.children}

    def replace(cid: str, old: PEP, new: PEP) -> None:
        peps = cohort.peps[cid]
        peps[peps.index(old)] = new

    submitted = sorted(by_status.get(PEPStatus.SUBMITTED, []), key=lambda item: item[0])
    # A finalised PEP (social worker's finalisation) and an acknowledged one (carer).
    if submitted:
        cid, pep = submitted[0]
        child = child_by_id[cid]
        sign = SignOff(step="finalise", by=child.social_worker or "sw.amara", role="social_worker", at=_stamp_after(pep, 33))
        new = pep.model_copy(update={"status": PEPStatus.FINALISED, "sign_offs": [*pep.sign_offs, sign]})
        replace(cid, pep, new)
    if len(submitted) > 1:
        cid, pep = submitted[1]
        child = child_by_id[cid]
        sign = SignOff(step="acknowledge", by=child.carer or "carer.01", role="carer", at=_stamp_after(pep, 33),
                       note="Read it with them at home; they are happy with it.")
        replace(cid, pep, pep.model_copy(update={"sign_offs": [*pep.sign_offs, sign]}))
    # A resubmission after a return, with its rating history (red, then waiting for the second rating).
    if len(submitted) > 2:
        cid, pep = submitted[2]
        reason = rng.choice(_RETURN_REASONS)
        first = pep.sign_offs[0] if pep.sign_offs else SignOff(step="submit", by=ADVISER, role="virtual_school",
                                                               at=_stamp_after(pep, 20))
        history = [
            first,
            SignOff(step="return", by=ADVISER, role="virtual_school", at=_stamp_after(pep, 23), note=reason),
            SignOff(step="submit", by=first.by, role=first.role, at=_stamp_after(pep, 30)),
        ]
        rating = QARating(scale="rag", overall="red", feedback=reason, by=ADVISER, at=_stamp_after(pep, 23))
        replace(cid, pep, pep.model_copy(update={"sign_offs": history, "qa_ratings": [*pep.qa_ratings, rating]}))

    # Earlier terms rated on the Gold/Green/Amber/Red scale, a rating per section.
    rated = 0
    for n, (_cid, peps) in enumerate(sorted(cohort.peps.items())):
        if n % 3 or len(peps) < 2:
            continue
        older = peps[0]
        if older.status is PEPStatus.APPROVED and older.qa_ratings:
            aim = _GGAR_PATTERN[rated % len(_GGAR_PATTERN)]
            rated += 1
            rating = _ggar_rating(cohort, older, older.qa_ratings[-1].at, aim)
            peps[0] = older.model_copy(update={"qa_ratings": [*older.qa_ratings[:-1], rating]})

    # A corrected approved PEP: the original is superseded by a new revision, itself approved again.
    for _cid, peps in sorted(cohort.peps.items()):
        if len(peps) >= 2 and peps[-2].status is PEPStatus.APPROVED and peps[-2].superseded_by is None:
            old = peps[-2]
            new_id = f"pep_{rng.getrandbits(80):020x}"
            reason = "The attendance figures were for the wrong term."
            at = _stamp_after(old, 50)
            corrected = old.model_copy(update={
                "id": new_id, "created_at": at, "updated_at": at + timedelta(days=3), "created_by": ADVISER,
                "sign_offs": [
                    SignOff(step="submit", by=old.sign_offs[0].by if old.sign_offs else ADVISER, role="designated_teacher",
                            at=at + timedelta(days=1)),
                    SignOff(step="approve", by=ADVISER, role="virtual_school", at=at + timedelta(days=3)),
                ],
                "qa_ratings": [q.model_copy(update={"at": at + timedelta(days=2)}) for q in old.qa_ratings[-1:]],
                "plugin_data": {**old.plugin_data, "correction": {"corrects": old.id, "reason": reason}},
            })
            peps[-2] = old.model_copy(update={"superseded_by": new_id})
            peps.insert(len(peps) - 1, corrected)
            if peps[-1].previous_pep_id == old.id:
                peps[-1] = peps[-1].model_copy(update={"previous_pep_id": new_id})
            break


@hookimpl
def register_roles(register: Callable[[RoleDefinition], None]) -> None:
    """The virtual school role."""
    register(ROLE)


@hookimpl
def register_sample_data(register: Callable[[SampleContributor], None]) -> None:
    """Every workflow state and both QA scales in the training cohort."""
    register(add_workflow_examples)
