"""Automatic pre-QA checks: the quality criteria Q1-Q13 (DOMAIN.md) that software can judge.

Each check returns warnings a Virtual School adviser would raise; an empty list means nothing was found
to query. What needs a person's judgement (whether the child's views shaped the targets, Q1; whether
attainment is "expected", Q3; documents, Q13) is left to the adviser. These checks never block
submission: the validators' error findings do that.

Checked here, on the core sections (:data:`pep_tui.domain.pep.CORE_SECTIONS`) and the child record: Q2
the previous PEP's targets each given an outcome; Q3 the stage's own sections filled; Q4 attendance
recorded; Q5 an EHC plan's review date; Q6 at least one target, each SMART-complete, and not all
academic; Q10 attendees, the meeting date and the next meeting date; Q12 submitted (or, if not yet,
still) on time.

The other criteria are judged by the plugins that own the sections they concern: Q1 the child's voice
(the child plugin), Q7 Pupil Premium Plus linked to targets (the PP+ plugin), Q8 a transition plan
when one is due (the stage plugins), Q9 the carer's or family's contribution (the carer and parent
plugins) and Q11 careers and aspirations (the stage plugins). For these criteria
(:data:`CRITERIA_FROM_VALIDATORS`) the pre-check passes on, unchanged, the findings of the installed
validators that carry that ``criterion``; any plugin joins in by emitting findings with one. The core
names no plugin's section: a criterion whose plugin is not installed is simply not judged.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from pep_tui.domain import PEP, TargetArea, TargetOutcome
from pep_tui.domain.pep import (
    ATTENDANCE_SECTION,
    MEETING_SECTION,
    PREVIOUS_TARGETS_SECTION,
    TARGETS_SECTION,
)
from pep_tui.plugins.api import Finding, SectionContext, Severity, ValidationContext
from pep_tui.plugins.registry import Registry
from pep_tui.settings import Policy
from pep_tui.store import ChildRecord

#: Criteria the plugins judge: the pre-check passes on their validators' findings for these.
CRITERIA_FROM_VALIDATORS = ("Q1", "Q7", "Q8", "Q9", "Q11")


def _warn(criterion: str, message: str, section: str | None = None, field: str | None = None) -> Finding:
    return Finding(Severity.WARNING, message, section, field, criterion=criterion, validator_id="qa.precheck")


def _filled(data: dict[str, Any]) -> bool:
    return any(v not in (None, "", [], {}, False) for v in data.values())


def validator_findings(registry: Registry, policy: Policy, record: ChildRecord, pep: PEP, today: date) -> list[Finding]:
    """The installed validators' findings for a PEP (as ``services.peps.PEPService.findings_for`` runs them)."""
    previous = next((p for p in record.peps if p.id == pep.previous_pep_id), None)
    sctx = SectionContext(child=record.child, pep=pep, previous=previous)
    parsed, _ = registry.parse_sections(sctx)
    vctx = ValidationContext(child=record.child, pep=pep, sections=parsed, previous=previous, policy=policy, today=today)
    return registry.validate(vctx)


def precheck_findings(registry: Registry, policy: Policy, record: ChildRecord, pep: PEP, today: date,
                      findings: list[Finding] | None = None) -> list[Finding]:
    """Every pre-QA finding for a PEP, in criterion order.

    ``findings`` are the PEP's validation findings when the caller already has them (they are computed
    otherwise); those with a criterion in :data:`CRITERIA_FROM_VALIDATORS` are passed on unchanged.
    """
    previous = next((p for p in record.peps if p.id == pep.previous_pep_id), None)
    sctx = SectionContext(child=record.child, pep=pep, previous=previous)
    applying = {spec.id: spec for spec in registry.sections_for(sctx)}
    if findings is None:
        findings = validator_findings(registry, policy, record, pep, today)
    by_plugin = {c: [f for f in findings if f.criterion == c] for c in CRITERIA_FROM_VALIDATORS}
    child = record.child
    out: list[Finding] = []

    # Q1: the child's voice (the child plugin's validators judge it).
    out.extend(by_plugin["Q1"])

    # Q2: previous targets evaluated.
    if previous is not None and previous.targets:
        reviews = pep.section(PREVIOUS_TARGETS_SECTION).get("reviews", [])
        outcomes = {TargetOutcome.MET.value, TargetOutcome.PARTLY_MET.value, TargetOutcome.NOT_MET.value}
        judged = {r.get("target_id") for r in reviews if r.get("outcome") in outcomes}
        open_ids = [t.id for t in previous.targets if t.outcome is not TargetOutcome.MET]
        missing = [i for i in open_ids if i not in judged]
        if missing:
            out.append(_warn("Q2", f"{len(missing)} of last term's targets have no outcome (met, partly met or not met)",
                             PREVIOUS_TARGETS_SECTION))

    # Q3: the stage's own sections (attainment and progress): those declared for this PEP's stage.
    for spec in applying.values():
        if spec.stages is not None and pep.stage in spec.stages and spec.required and not _filled(pep.section(spec.id)):
            out.append(_warn("Q3", f"{spec.title} has not been filled in", spec.id))

    # Q4: attendance and exclusions.
    if ATTENDANCE_SECTION in applying:
        attendance = pep.section(ATTENDANCE_SECTION)
        if not attendance.get("sessions_possible"):
            out.append(_warn("Q4", "Attendance is not recorded (sessions possible and present)", ATTENDANCE_SECTION,
                             "sessions_possible"))
        elif attendance.get("suspensions") is None:
            out.append(_warn("Q4", "Say whether there were any suspensions this term", ATTENDANCE_SECTION, "suspensions"))

    # Q5: additional needs (what software can see).
    if child.has_ehcp and child.ehcp_review_date is None:
        out.append(_warn("Q5", "The child has an EHC plan but no annual review date is recorded"))

    # Q6: SMART targets.
    if TARGETS_SECTION in applying:
        targets = pep.targets
        if not targets:
            out.append(_warn("Q6", "No targets have been set", TARGETS_SECTION))
        for n, target in enumerate(targets, start=1):
            missing_fields = target.missing_smart_fields()
            if missing_fields:
                out.append(_warn("Q6", f"Target {n} is missing: {', '.join(f.replace('_', ' ') for f in missing_fields)}",
                                 TARGETS_SECTION, missing_fields[0]))
        if targets and all(t.area is TargetArea.ACADEMIC for t in targets):
            out.append(_warn("Q6", "Every target is academic: consider a wellbeing, attendance or social target", TARGETS_SECTION))

    # Q7: PP+ costed and linked to this PEP's targets (the PP+ plugin's validator judges it).
    out.extend(by_plugin["Q7"])

    # Q8: a transition plan when one is due (the stage plugins' validators judge when).
    out.extend(by_plugin["Q8"])

    # Q9: the carer's or family's contribution (the carer and parent plugins' validators judge it).
    out.extend(by_plugin["Q9"])

    # Q10: attendees and next meeting.
    if MEETING_SECTION in applying:
        if pep.meeting_date is None:
            out.append(_warn("Q10", "The meeting date is not recorded", MEETING_SECTION, "meeting_date"))
        if not pep.attendees:
            out.append(_warn("Q10", "Nobody is recorded as invited to or at the meeting", MEETING_SECTION, "attendees"))
        if pep.next_meeting_date is None:
            out.append(_warn("Q10", "The next meeting date is not set", MEETING_SECTION, "next_meeting_date"))

    # Q11: careers, aspirations and the post-16 plan (the stage's validators judge what is expected).
    out.extend(by_plugin["Q11"])

    # Q12: on time.
    from pep_tui.services.due_dates import termly_due
    due = pep.due_date or termly_due(pep.term_ref, policy)
    submitted = next((s.at.date() for s in pep.sign_offs if s.step == "submit"), None)  # the first submission
    if submitted is not None and submitted > due:
        out.append(_warn("Q12", f"Submitted {submitted:%d %b %Y}, after the due date {due:%d %b %Y}"))
    elif submitted is None and today > due:
        out.append(_warn("Q12", f"Not yet submitted; it was due on {due:%d %b %Y}"))
    return out
