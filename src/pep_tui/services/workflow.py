"""The PEP's sign-off chain: submit, finalise, acknowledge, approve or return; next term; corrections.

The chain is the policy setting ``signoff_chain`` (default ``["submit", "approve"]``). The states:

* **not started → in progress**: the first saved section (``services.peps.save_section``).
* **submit** (``pep.submit``; designated teacher or Virtual School): from in progress or returned, only
  when the PEP has no error findings. A submission after a return is a resubmission.
* **finalise** (``pep.finalise``; social worker), when in the chain: after submit, status *finalised*.
* **acknowledge** (``pep.acknowledge``; the child or carer), when in the chain: recorded as a sign-off;
  the status does not change. Placed before ``submit`` it is given while the PEP is still being written.
* **approve** (``pep.approve``; Virtual School): the last step; with ``approve_requires_rating`` only
  after a QA rating of this submission. An approved PEP is read-only for ever.
* **return** (``pep.return``; Virtual School): from submitted or finalised, with a reason that is not
  blank; the PEP is editable again and the chain starts over.

Every transition checks the capability and that the child is in the principal's scope, refuses a stale
``expected_revision`` with ``store.Conflict`` naming who saved in between, and is written with an audit
event (``pep.submit``, ``pep.finalise``, ``pep.acknowledge``, ``pep.approve``, ``pep.return``).
Approved content is never edited: :meth:`WorkflowService.correct` supersedes it with a new revision.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from pep_tui.domain import PEP, PEPStatus, SignOff, TermRef, new_id, utcnow
from pep_tui.domain.care import is_closed
from pep_tui.domain.text import drop_control
from pep_tui.plugins.api import Capability, Severity
from pep_tui.services.access import PermissionDenied, can, require, role_of
from pep_tui.services.care_rules import require_open
from pep_tui.services.children import ChildService
from pep_tui.services.context import ServiceContext
from pep_tui.services.errors import FieldProblem, InvalidInput, WorkflowError
from pep_tui.services.peps import EDITABLE_STATUSES, PEPService
from pep_tui.services.principal import Principal
from pep_tui.store import ChildRecord, Conflict, PEPChange

#: Every action :meth:`WorkflowService.allowed_actions` may list.
ACTIONS = ("start", "submit", "finalise", "acknowledge", "approve", "return", "rate")
#: Further actions :meth:`WorkflowService.extra_actions` may list.
EXTRA_ACTIONS = ("correct", "review_note")
#: The purpose (``SectionSpec.purpose``) of the section :meth:`WorkflowService.add_review_note` appends to.
REVIEW_NOTES = "review_notes"
#: Statuses in which a PEP waits for the Virtual School (or the social worker's finalisation).
AWAITING_STATUSES = frozenset({PEPStatus.SUBMITTED, PEPStatus.FINALISED})
#: The longest reason or note accepted, in characters.
MAX_TEXT = 4000

_STEP_CAPABILITY = {
    "submit": Capability.SUBMIT_PEP,
    "finalise": Capability.FINALISE_PEP,
    "acknowledge": Capability.ACKNOWLEDGE_PEP,
    "approve": Capability.APPROVE_PEP,
}
_STEP_WORDS = {
    "submit": "submission by the designated teacher",
    "finalise": "finalisation by the social worker",
    "acknowledge": "acknowledgement by the child or carer",
    "approve": "approval by the Virtual School",
}


def cycle_sign_offs(pep: PEP) -> list[SignOff]:
    """The sign-offs since the PEP was last returned (the current pass through the chain)."""
    out: list[SignOff] = []
    for sign_off in pep.sign_offs:
        out = [] if sign_off.step == "return" else [*out, sign_off]
    return out


def next_step(pep: PEP, chain: list[str]) -> str | None:
    """The chain step this PEP waits for, or ``None`` once approved or superseded."""
    if pep.status is PEPStatus.APPROVED or pep.superseded_by is not None:
        return None
    done = {s.step for s in cycle_sign_offs(pep)}
    return next((step for step in chain if step not in done), None)


def rated_since_submission(pep: PEP) -> bool:
    """Whether the Virtual School has rated the PEP's latest submission."""
    submitted = [s.at for s in pep.sign_offs if s.step == "submit"]
    return bool(submitted) and any(r.at >= submitted[-1] for r in pep.qa_ratings)


def last_submitted(pep: PEP) -> date | None:
    """The date of the PEP's latest submission, if any."""
    dates = [s.at.date() for s in pep.sign_offs if s.step == "submit"]
    return dates[-1] if dates else None


def ensure_fresh(pep: PEP, expected_revision: int) -> None:
    """Refuse (``store.Conflict``, naming who saved) when the PEP changed since ``expected_revision``."""
    if pep.revision != expected_revision:
        raise Conflict(f"The {pep.term_ref.label} PEP", expected_revision, pep.revision, pep.updated_by, pep.updated_at)


def awaiting_qa(peps: list[PEP], chain: list[str]) -> list[dict[str, Any]]:
    """For the index summary: the child's PEPs waiting for the Virtual School or a later step (JSON-able)."""
    out = []
    for pep in peps:
        if pep.superseded_by is None and pep.status in AWAITING_STATUSES:
            submitted = last_submitted(pep)
            rated = rated_since_submission(pep)
            out.append({
                "pep_id": pep.id, "term": pep.term_ref.label, "status": pep.status.value,
                "waiting_for": next_step(pep, chain),
                "submitted_on": submitted.isoformat() if submitted else None,
                "resubmission": any(s.step == "return" for s in pep.sign_offs),
                "rated": rated,
                "rating": pep.qa_rating.overall if rated else None,
            })
    return out


def _clean_text(value: str, field: str, where: str) -> str:
    """Trimmed text without control characters (never sent to a terminal); blank or too long is refused."""
    text = drop_control(value or "").strip()
    if not text:
        raise InvalidInput(where, [FieldProblem(field, "must not be blank")])
    if len(text) > MAX_TEXT:
        raise InvalidInput(where, [FieldProblem(field, f"must be at most {MAX_TEXT} characters (got {len(text)})")])
    return text


class WorkflowService:
    """Moves PEPs along the sign-off chain. Every call takes the :class:`Principal` it is made for."""

    def __init__(self, ctx: ServiceContext, children: ChildService, peps: PEPService) -> None:
        self.ctx = ctx
        self.children = children
        self.peps = peps

    @property
    def chain(self) -> list[str]:
        """The sign-off chain in force (``Policy.signoff_chain``)."""
        return list(self.ctx.settings.policy.signoff_chain)

    # --- helpers ------------------------------------------------------------------------------

    def _load(self, principal: Principal, child_id: str, pep_id: str, capability: Capability) -> tuple[ChildRecord, PEP]:
        record = self.children.record(principal, child_id)
        require(self.ctx.registry, principal, capability, record.child)
        require_open(record.child, self.ctx.today())
        return record, record.pep(pep_id)

    def _expect_step(self, pep: PEP, step: str) -> None:
        if pep.superseded_by is not None:
            raise WorkflowError(f"the {pep.term_ref.label} PEP has been superseded by a correction")
        if pep.status is PEPStatus.APPROVED:
            raise WorkflowError(f"the {pep.term_ref.label} PEP is approved and cannot change")
        if step not in self.chain:
            raise WorkflowError(f"'{step}' is not a step of this council's sign-off chain ({' → '.join(self.chain)})")
        waiting = next_step(pep, self.chain)
        if waiting != step:
            raise WorkflowError(f"the {pep.term_ref.label} PEP is waiting for {_STEP_WORDS.get(waiting or '', 'nothing')}, "
                                f"not {_STEP_WORDS[step]}")

    def _errors(self, record: ChildRecord, pep: PEP) -> list[str]:
        return [f.message for f in self.peps.findings_for(record, pep) if f.severity is Severity.ERROR]

    def _sign(self, principal: Principal, pep: PEP, step: str, expected_revision: int, note: str = "",
              status: PEPStatus | None = None, detail: dict[str, Any] | None = None, **changes: Any) -> PEP:
        sign_off = SignOff(step=step, by=principal.login, role=principal.role, at=utcnow(), note=note)
        update: dict[str, Any] = {"sign_offs": [*pep.sign_offs, sign_off], **changes}
        if status is not None:
            update["status"] = status
        changed = pep.model_copy(update=update)
        return self.ctx.store.save_pep(changed, expected_revision, principal.login, principal.role,
                                       action=f"pep.{step}", detail=detail or {})

    # --- transitions --------------------------------------------------------------------------

    def submit(self, principal: Principal, child_id: str, pep_id: str, expected_revision: int) -> PEP:
        """Submit a PEP (or resubmit a returned one) for the Virtual School; refused with error findings."""
        record, pep = self._load(principal, child_id, pep_id, Capability.SUBMIT_PEP)
        ensure_fresh(pep, expected_revision)
        if pep.status is PEPStatus.NOT_STARTED:
            raise WorkflowError(f"the {pep.term_ref.label} PEP has nothing written yet")
        if pep.status not in EDITABLE_STATUSES:
            raise WorkflowError(f"the {pep.term_ref.label} PEP is {pep.status.label.lower()}, not in progress")
        self._expect_step(pep, "submit")
        errors = self._errors(record, pep)
        if errors:
            more = f" (and {len(errors) - 3} more)" if len(errors) > 3 else ""
            raise WorkflowError(f"{len(errors)} problem(s) must be fixed before submitting: {'; '.join(errors[:3])}{more}")
        resubmission = pep.status is PEPStatus.RETURNED
        return self._sign(principal, pep, "submit", expected_revision, status=PEPStatus.SUBMITTED,
                          detail={"resubmission": resubmission}, return_reason=None)

    def finalise(self, principal: Principal, child_id: str, pep_id: str, expected_revision: int) -> PEP:
        """The social worker's finalisation of a submitted PEP (when the chain includes it)."""
        _record, pep = self._load(principal, child_id, pep_id, Capability.FINALISE_PEP)
        ensure_fresh(pep, expected_revision)
        self._expect_step(pep, "finalise")
        return self._sign(principal, pep, "finalise", expected_revision, status=PEPStatus.FINALISED)

    def acknowledge(self, principal: Principal, child_id: str, pep_id: str, expected_revision: int, note: str = "") -> PEP:
        """The child's or carer's acknowledgement (when the chain includes it); the status does not change."""
        _record, pep = self._load(principal, child_id, pep_id, Capability.ACKNOWLEDGE_PEP)
        ensure_fresh(pep, expected_revision)
        self._expect_step(pep, "acknowledge")
        if len(note) > MAX_TEXT:
            raise InvalidInput("Acknowledgement", [FieldProblem("note", f"must be at most {MAX_TEXT} characters")])
        return self._sign(principal, pep, "acknowledge", expected_revision, note=drop_control(note).strip())

    def approve(self, principal: Principal, child_id: str, pep_id: str, expected_revision: int) -> PEP:
        """Approve a PEP (the last step). From then on it is read-only; corrections supersede it."""
        record, pep = self._load(principal, child_id, pep_id, Capability.APPROVE_PEP)
        ensure_fresh(pep, expected_revision)
        self._expect_step(pep, "approve")
        if pep.status not in AWAITING_STATUSES:
            raise WorkflowError(f"the {pep.term_ref.label} PEP has not been submitted")
        if self.ctx.settings.policy.approve_requires_rating and not rated_since_submission(pep):
            raise WorkflowError("rate this submission's quality before approving it")
        errors = self._errors(record, pep)
        if errors:
            raise WorkflowError(f"{len(errors)} problem(s) must be fixed first; return the PEP: {errors[0]}")
        return self._sign(principal, pep, "approve", expected_revision, status=PEPStatus.APPROVED)

    def return_pep(self, principal: Principal, child_id: str, pep_id: str, reason: str, expected_revision: int) -> PEP:
        """Return a submitted PEP for changes. The reason is mandatory and shown to those who edit it."""
        _record, pep = self._load(principal, child_id, pep_id, Capability.RETURN_PEP)
        ensure_fresh(pep, expected_revision)
        text = _clean_text(reason, "reason", "Return")
        if pep.superseded_by is not None or pep.status not in AWAITING_STATUSES:
            raise WorkflowError(f"only a submitted PEP can be returned; this one is {pep.status.label.lower()}")
        return self._sign(principal, pep, "return", expected_revision, note=text, status=PEPStatus.RETURNED,
                          detail={"reason": text}, return_reason=text)

    # --- next term and corrections ------------------------------------------------------------

    def next_term(self, record: ChildRecord) -> tuple[TermRef, str | None]:
        """The term :meth:`start_next_term` would start for this child, and why it may not, if it may not.

        The term is the one after the child's latest PEP, or this term if that is later (a PEP is never
        started for a term already past). It may not be started:

        * more than one term ahead of today's term;
        * while the latest PEP is still being written (not started, in progress or returned) and its
          term has not ended. Once the latest PEP is submitted, the next may start while it awaits the
          Virtual School: its targets are carried forward as they stand then. An unfinished PEP whose
          term is over does not block the next term's; it stays open to be finished.
        """
        today = self.ctx.today()
        current = TermRef.containing(today)
        live = [p for p in record.peps if p.superseded_by is None]
        if not live:
            return current, None
        latest = max(live, key=lambda p: p.term_ref)
        term = max(latest.term_ref.next(), current)
        if term > current.next():
            return term, (f"the {term.label} PEP cannot be started yet: a PEP is started at most one term ahead "
                          f"(the {latest.term_ref.label} PEP is the latest)")
        if latest.status in EDITABLE_STATUSES and latest.term_ref.end >= today:
            return term, (f"the {latest.term_ref.label} PEP is {latest.status.label.lower()}: submit it before "
                          f"starting the {term.label} PEP")
        return term, None

    def start_next_term(self, principal: Principal, child_id: str) -> PEP:
        """Start the PEP for the term after the child's latest one (this term if they have none).

        Allowed to roles with ``pep.start`` for children in scope, when :meth:`next_term` gives no
        reason against it: the latest PEP may still be awaiting the Virtual School (its open targets
        are carried forward as they stand), but not still being written in its own term. Open targets
        are carried forward for review and stable context is copied, marked for review (see
        ``services.peps.carry_forward``).
        """
        record = self.children.record(principal, child_id)
        require(self.ctx.registry, principal, Capability.START_PEP, record.child)
        require_open(record.child, self.ctx.today())
        term, blocker = self.next_term(record)
        if blocker is not None:
            raise WorkflowError(blocker)
        return self.peps.start(principal, child_id, term)

    def correct(self, principal: Principal, child_id: str, pep_id: str, reason: str, expected_revision: int) -> PEP:
        """Correct an approved PEP: a new revision (in progress, same term and content) supersedes it.

        The approved PEP is kept unchanged except for ``superseded_by``. Both PEPs are saved together in
        one atomic write (``store.save_peps``), so the original is never marked superseded by a PEP that
        does not exist; each is audited (``pep.supersede`` and ``pep.correct``). A concurrent change or
        correction fails on the original's revision with ``store.Conflict`` and nothing is written. The
        new PEP goes through the chain again.
        """
        _record, pep = self._load(principal, child_id, pep_id, Capability.START_PEP)
        ensure_fresh(pep, expected_revision)
        text = _clean_text(reason, "reason", "Correction")
        if pep.status is not PEPStatus.APPROVED:
            raise WorkflowError("only an approved PEP is corrected this way; edit this one directly")
        if pep.superseded_by is not None:
            raise WorkflowError("this PEP has already been superseded; correct the newer revision")
        new = new_id("pep")
        now = utcnow()
        correction = pep.model_copy(update={
            "id": new, "status": PEPStatus.IN_PROGRESS, "revision": 0, "qa_ratings": [], "sign_offs": [],
            "return_reason": None, "superseded_by": None, "created_by": principal.login, "created_at": now,
            "updated_by": principal.login, "updated_at": now,
            "plugin_data": {**pep.plugin_data, "correction": {"corrects": pep.id, "reason": text}},
        })
        _superseded, saved = self.ctx.store.save_peps([
            PEPChange(pep.model_copy(update={"superseded_by": new}), expected_revision, action="pep.supersede",
                      detail={"superseded_by": new, "reason": text}),
            PEPChange(correction, None, action="pep.correct", detail={"corrects": pep.id, "reason": text}),
        ], principal.login, principal.role)
        return saved

    # --- the IRO's note -----------------------------------------------------------------------

    def add_review_note(self, principal: Principal, child_id: str, pep_id: str, note: str, expected_revision: int,
                        review_date: date | None = None) -> PEP:
        """Append a note for the next care-plan review (the IRO's one write; audited as ``pep.review_note``).

        Allowed to the roles the review-notes section (the section declaring the ``review_notes``
        purpose; the IRO plugin's) names as editors, for children in their scope, on any PEP not
        superseded, approved ones included: a note is appended, never changed, and is not part of the
        approved plan. Nothing else in the PEP changes.
        """
        record = self.children.record(principal, child_id)
        require_open(record.child, self.ctx.today())
        spec = self.ctx.registry.section_for(REVIEW_NOTES)
        if spec is None:
            raise WorkflowError("review notes need a plugin providing them (the IRO plugin), which is not installed")
        if principal.role not in spec.editors:
            raise PermissionDenied(f"{role_of(self.ctx.registry, principal).title} may not write review notes")
        require(self.ctx.registry, principal, Capability.VIEW_CHILD, record.child)
        pep = record.pep(pep_id)
        ensure_fresh(pep, expected_revision)
        if pep.superseded_by is not None:
            raise WorkflowError("this PEP has been superseded; add the note to the newer revision")
        text = _clean_text(note, "note", spec.title)
        if review_date is not None and review_date < self.ctx.today():
            raise InvalidInput(spec.title, [FieldProblem(
                "review_date", f"{review_date:%d %b %Y} has passed; give the date of the next review (or none)")])
        stored = pep.section(spec.id)
        entry = {"note": text, "review_date": review_date.isoformat() if review_date else None,
                 "written_by": principal.login, "written_on": self.ctx.today().isoformat()}
        data = {**stored, "notes": [*stored.get("notes", []), entry]}
        try:
            model = spec.model.model_validate(data)
        except ValueError as exc:
            raise InvalidInput(spec.title, [FieldProblem("note", str(exc).splitlines()[0])]) from None
        from pep_tui.domain import SectionData

        section = SectionData(version=spec.version, data=model.model_dump(mode="json"), updated_by=principal.login,
                              updated_at=utcnow())
        changed = pep.model_copy(update={"sections": {**pep.sections, spec.id: section}})
        return self.ctx.store.save_pep(changed, expected_revision, principal.login, principal.role,
                                       action="pep.review_note", section_id=spec.id)

    def review_note_section(self) -> str | None:
        """The id of the section review notes are appended to, or ``None`` when no plugin provides one."""
        spec = self.ctx.registry.section_for(REVIEW_NOTES)
        return spec.id if spec is not None else None

    # --- what may be done ---------------------------------------------------------------------

    def allowed_actions(self, principal: Principal, child_id: str, pep_id: str) -> list[str]:
        """The actions (from :data:`ACTIONS`) the principal's role and the PEP's state allow now.

        ``start`` (next term's PEP) is listed on the child's latest PEP exactly when
        :meth:`start_next_term` would accept it (see :meth:`next_term`). Otherwise permission and
        state only: ``submit`` is listed even when error findings would refuse it (the
        screen shows the findings); ``approve`` even before a rating when one is required.
        """
        record = self.children.record(principal, child_id)
        pep = record.pep(pep_id)
        registry = self.ctx.registry
        if is_closed(record.child, self.ctx.today()):
            return []  # left care: read-only

        def has(capability: Capability) -> bool:
            return can(registry, principal, capability)

        out: list[str] = []
        live = [p for p in record.peps if p.superseded_by is None]
        if (has(Capability.START_PEP) and pep.superseded_by is None
                and pep.term_ref == max(p.term_ref for p in live) and self.next_term(record)[1] is None):
            out.append("start")
        step = next_step(pep, self.chain)
        if step == "submit" and pep.status in (PEPStatus.IN_PROGRESS, PEPStatus.RETURNED) and has(Capability.SUBMIT_PEP):
            out.append("submit")
        if (step in ("finalise", "acknowledge", "approve") and has(_STEP_CAPABILITY[step])
                and (step != "approve" or pep.status in AWAITING_STATUSES)):
            out.append(step)
        if pep.status in AWAITING_STATUSES and pep.superseded_by is None:
            if has(Capability.RETURN_PEP):
                out.append("return")
            if has(Capability.RATE_QA):
                out.append("rate")
        return [a for a in ACTIONS if a in out]

    def extra_actions(self, principal: Principal, child_id: str, pep_id: str) -> list[str]:
        """Further actions (from :data:`EXTRA_ACTIONS`): ``correct`` an approved PEP, add a ``review_note``."""
        record = self.children.record(principal, child_id)
        pep = record.pep(pep_id)
        out = []
        if is_closed(record.child, self.ctx.today()):
            return out
        if pep.status is PEPStatus.APPROVED and pep.superseded_by is None and can(self.ctx.registry, principal, Capability.START_PEP):
            out.append("correct")
        spec = self.ctx.registry.section_for(REVIEW_NOTES)
        if spec is not None and principal.role in spec.editors and pep.superseded_by is None:
            out.append("review_note")
        return out

    def waiting_for(self, pep: PEP) -> str:
        """What the PEP waits for, in words (``"approval by the Virtual School"``), or ``""`` when done."""
        if pep.status is PEPStatus.NOT_STARTED:
            return "someone to start writing it"
        step = next_step(pep, self.chain)
        if step == "submit":
            return "the designated teacher to finish and submit it"
        return _STEP_WORDS.get(step or "", "")
