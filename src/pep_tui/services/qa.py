"""Quality assurance by the Virtual School: the rating scale, the overall rule, ratings and the queue.

The scale is ``Policy.qa_scale``: ``rag`` (green, amber, red) or ``ggar`` (gold, green, amber, red),
listed best first by :func:`scale_values`. A rating may rate each section and gives an overall rating;
when the adviser gives no overall rating it comes from the section ratings by
``Policy.qa_overall_rule`` (see :func:`overall_rating`). Every rating is kept, oldest first, in
``pep.qa_ratings`` (the rating history). Automatic pre-QA checks (criteria Q1-Q13 that software can
judge) are in :mod:`pep_tui.services.prechecks`.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from datetime import date
from typing import Any

from pep_tui.domain import PEP, QARating, utcnow
from pep_tui.plugins.api import Capability, Finding
from pep_tui.services.access import PermissionDenied, require, role_of, summary_in_scope
from pep_tui.services.care_rules import require_open
from pep_tui.services.children import ChildService
from pep_tui.services.context import ServiceContext
from pep_tui.services.errors import FieldProblem, InvalidInput, WorkflowError
from pep_tui.services.peps import PEPService
from pep_tui.services.prechecks import precheck_findings
from pep_tui.services.principal import Principal
from pep_tui.services.workflow import AWAITING_STATUSES, MAX_TEXT, ensure_fresh

#: Each scale's values, best first.
SCALES: dict[str, tuple[str, ...]] = {
    "rag": ("green", "amber", "red"),
    "ggar": ("gold", "green", "amber", "red"),
}


def scale_values(scale: str) -> list[str]:
    """A scale's values, best first (``rag`` → green, amber, red)."""
    try:
        return list(SCALES[scale])
    except KeyError:
        raise ValueError(f"unknown QA scale {scale!r}; known: {', '.join(SCALES)}") from None


def overall_rating(scale: str, rule: str, ratings: Iterable[str]) -> str:
    """The overall rating from section ratings, by rule:

    * ``worst``: the lowest section rating.
    * ``any_red_else_majority``: any red → red; otherwise the most common rating, a tie going to the
      lower of the tied ratings.
    * ``any_red_else_all_but_one_gold``: any red → red; otherwise gold when at least one section is gold
      and every section is gold except at most one rated green; otherwise the lowest section rating. (On the rag scale, with no gold,
      this is the same as ``worst``.)

    Raises ``ValueError`` with no ratings, an unknown rule, or a value not on the scale.
    """
    values = scale_values(scale)
    given = list(ratings)
    if not given:
        raise ValueError("rate at least one section, or give an overall rating")
    unknown = sorted({r for r in given if r not in values})
    if unknown:
        raise ValueError(f"{', '.join(unknown)} is not on the {scale} scale ({', '.join(values)})")
    rank = {v: i for i, v in enumerate(values)}  # 0 is best
    worst = max(given, key=rank.__getitem__)
    if rule == "worst":
        return worst
    if "red" in given:
        return "red"
    if rule == "any_red_else_majority":
        counts = Counter(given)
        top = max(counts.values())
        return max((v for v, n in counts.items() if n == top), key=rank.__getitem__)
    if rule == "any_red_else_all_but_one_gold":
        if "gold" in values:
            others = [r for r in given if r != "gold"]
            if "gold" in given and (not others or others == ["green"]):
                return "gold"
        return worst
    raise ValueError(f"unknown QA overall rule {rule!r}")


class QAService:
    """Rating PEPs, the pre-QA checks and the queue. Every call takes the :class:`Principal` it is made for."""

    def __init__(self, ctx: ServiceContext, children: ChildService, peps: PEPService) -> None:
        self.ctx = ctx
        self.children = children
        self.peps = peps

    @property
    def scale(self) -> str:
        """The scale in force (``Policy.qa_scale``)."""
        return self.ctx.settings.policy.qa_scale

    def scale_values(self) -> list[str]:
        """The values of the scale in force, best first."""
        return scale_values(self.scale)

    def overall_for(self, sections: dict[str, str]) -> str:
        """The overall rating the policy's rule gives for these section ratings."""
        return overall_rating(self.scale, self.ctx.settings.policy.qa_overall_rule, sections.values())

    def rate(
        self,
        principal: Principal,
        child_id: str,
        pep_id: str,
        overall: str | None,
        sections: dict[str, str],
        feedback: str,
        section_feedback: dict[str, str],
        expected_revision: int,
    ) -> PEP:
        """Add a QA rating to a submitted PEP (audited as ``qa.rate``); earlier ratings are kept.

        ``overall`` ``None`` means "by the rule" from ``sections``. Section ids must be sections of this
        PEP; values must be on the scale in force. Nothing is saved on any problem.
        """
        record = self.children.record(principal, child_id)
        require(self.ctx.registry, principal, Capability.RATE_QA, record.child)
        require_open(record.child, self.ctx.today())
        pep = record.pep(pep_id)
        ensure_fresh(pep, expected_revision)
        if pep.superseded_by is not None or pep.status not in AWAITING_STATUSES:
            raise WorkflowError(f"only a submitted PEP is rated; this one is {pep.status.label.lower()}")
        values = self.scale_values()
        problems: list[FieldProblem] = []
        applying = {s.id for s in self.ctx.registry.sections_for(self.peps.section_context(record, pep))}
        for section_id, value in sections.items():
            if section_id not in applying:
                problems.append(FieldProblem(f"sections.{section_id}", "is not a section of this PEP"))
            elif value not in values:
                problems.append(FieldProblem(f"sections.{section_id}", f"must be one of {', '.join(values)}"))
        for section_id, text in section_feedback.items():
            if section_id not in applying:
                problems.append(FieldProblem(f"section_feedback.{section_id}", "is not a section of this PEP"))
            elif len(text) > MAX_TEXT:
                problems.append(FieldProblem(f"section_feedback.{section_id}", f"must be at most {MAX_TEXT} characters"))
        if overall is not None and overall not in values:
            problems.append(FieldProblem("overall", f"must be one of {', '.join(values)}"))
        if overall is None and not sections:
            problems.append(FieldProblem("overall", "give an overall rating or rate at least one section"))
        if len(feedback) > MAX_TEXT:
            problems.append(FieldProblem("feedback", f"must be at most {MAX_TEXT} characters"))
        if problems:
            raise InvalidInput("QA rating", problems)
        final = overall if overall is not None else self.overall_for(sections)
        rating = QARating(
            scale=self.scale, overall=final, sections=dict(sections), feedback=feedback.strip(),
            section_feedback={k: v.strip() for k, v in section_feedback.items() if v.strip()},
            by=principal.login, at=utcnow(),
        )
        changed = pep.model_copy(update={"qa_ratings": [*pep.qa_ratings, rating]})
        return self.ctx.store.save_pep(changed, expected_revision, principal.login, principal.role, action="qa.rate",
                                       detail={"overall": final, "by_rule": overall is None})

    def history(self, principal: Principal, child_id: str, pep_id: str) -> list[QARating]:
        """Every QA rating of a PEP, oldest first (not shown to the child's or family's limited views)."""
        return list(self.peps.get(principal, child_id, pep_id).qa_ratings)

    def precheck(self, principal: Principal, child_id: str, pep_id: str) -> list[Finding]:
        """The automatic pre-QA checks (criteria Q1-Q13 software can judge): what a reviewer would query.

        Mostly warnings; for Q8 and Q11 the stage validators' own findings, with their own severity.

        Shown to the designated teacher before submitting and to the Virtual School when rating; not to
        the child's or family's limited views.
        """
        record = self.children.record(principal, child_id)
        if role_of(self.ctx.registry, principal).limited_view:
            raise PermissionDenied("the quality checks are for the professionals around the child")
        pep = record.pep(pep_id)
        return precheck_findings(self.ctx.registry, self.ctx.settings.policy, record, pep, self.ctx.today(),
                                 findings=self.peps.findings_for(record, pep))

    def queue(self, principal: Principal) -> list[dict[str, Any]]:
        """Submitted (or finalised) PEPs awaiting the Virtual School, longest waiting first, as summaries.

        Each row: ``child_id``, ``name``, ``school_name``, ``year_label``, ``pep_id``, ``term``, ``status``,
        ``waiting_for``, ``submitted_on``, ``days_waiting``, ``resubmission``, ``last_qa``, and
        ``rating``: this submission's rating when the Virtual School has already rated it, else ``None``.
        """
        require(self.ctx.registry, principal, Capability.RATE_QA)
        today = self.ctx.today()
        rows: list[dict[str, Any]] = []
        for summary in self.ctx.store.summaries().values():
            if not summary_in_scope(self.ctx.registry, principal, summary) or summary.get("status") == "closed":
                continue  # a child who left care: their PEPs are read-only, nothing to rate
            for item in summary.get("awaiting_qa") or _current_awaiting(summary):
                submitted = date.fromisoformat(item["submitted_on"]) if item.get("submitted_on") else None
                rows.append({
                    "child_id": summary["child_id"], "name": summary.get("name"),
                    "school_name": summary.get("school_name"), "year_label": summary.get("year_label"),
                    "pep_id": item["pep_id"], "term": item.get("term"), "status": item.get("status"),
                    "waiting_for": item.get("waiting_for"), "submitted_on": submitted,
                    "days_waiting": (today - submitted).days if submitted else None,
                    "resubmission": bool(item.get("resubmission")), "last_qa": summary.get("last_qa"),
                    "rating": item.get("rating"),
                })
        return sorted(rows, key=lambda r: (r["submitted_on"] or date.max, r["name"] or ""))


def _current_awaiting(summary: dict[str, Any]) -> list[dict[str, Any]]:
    """Fallback for index entries written before ``awaiting_qa`` existed: the current PEP if it waits."""
    if summary.get("current_status") in {s.value for s in AWAITING_STATUSES} and summary.get("current_pep_id"):
        return [{"pep_id": summary["current_pep_id"], "status": summary["current_status"]}]
    return []

