"""Building the printable document of one PEP (as a role may see it) and of a blank PEP for a stage."""

from __future__ import annotations

from datetime import UTC, date, datetime

from pep_tui.domain import PEP, Child, SchoolMove, SENStatus, TermRef, academic_year_label
from pep_tui.domain.school_year import Term, year_group_label
from pep_tui.plugins.api import RoleDefinition, SectionContext, SectionSpec, StageDefinition
from pep_tui.plugins.registry import Registry
from pep_tui.services.pep_document import (
    Document,
    add_blank_fields,
    add_free_data,
    add_model_fields,
    format_value,
    humanise,
)

CONFIDENTIAL = "Confidential: personal information about a looked-after child. Keep it secure."
PUPIL_PREMIUM = "pupil_premium"
SEN_LABELS = {"none": "None", "sen_support": "SEN support", "ehcp": "EHC plan", "under_assessment": "Under assessment"}


def pep_document(
    *,
    child: Child,
    pep: PEP,
    sections: list[SectionSpec],
    registry: Registry,
    role: RoleDefinition,
    reader: str,
    today: date,
    names: dict[str, str],
    training: bool = False,
) -> Document:
    """The document of ``pep`` (already reduced to what ``role`` may see) for ``reader``.

    ``sections`` are the visible sections in tab order; ``names`` maps logins to display names;
    ``training`` marks every page as fictional data (a record from a training sandbox).
    """
    term = pep.term_ref.label
    doc = Document(title=f"Personal Education Plan - {term}", training=training or child.training)

    def who(login: str | None) -> str:
        return names.get(login or "", login or "-")

    stage = registry.stages.get(pep.stage)
    doc.add("title", child.display_name)
    rows = [
        ("Date of birth", format_value(child.date_of_birth)),
        ("Year group", f"{year_group_label(pep.year_group)} ({stage.title if stage else pep.stage})"),
        ("School or setting", child.school_name or ("Not on a school roll" if not child.on_roll else "-")),
    ]
    if not role.limited_view:
        rows += [
            ("UPN", child.upn or "-"),
            ("Social worker", who(child.social_worker)),
            ("Designated teacher", who(child.designated_teacher)),
            ("SEN", SEN_LABELS.get(child.sen_status.value, humanise(child.sen_status.value))),
        ]
    rows += [
        ("PEP status", pep.status.label + (" (interim)" if pep.interim else "") + (" (initial PEP)" if pep.initial else "")),
        ("Revision", str(pep.revision)),
        ("Due", format_value(pep.due_date)),
        ("Last saved", f"{format_value(pep.updated_at)} by {who(pep.updated_by)}"),
    ]
    for label, value in rows:
        doc.add("field", value, label=label)
    doc.add("note", CONFIDENTIAL)

    for spec in sections:
        doc.add("heading", spec.title)
        stored = pep.sections.get(spec.id)
        if stored is None or not stored.data:
            doc.add("paragraph", "Not filled in.")
            continue
        add_model_fields(doc, spec.model, stored.data)
        if stored.updated_by:
            doc.add("note", f"Last written by {who(stored.updated_by)} on {format_value(stored.updated_at)}")

    funding = pep.plugin_data.get(PUPIL_PREMIUM)
    if funding:
        doc.add("heading", "Pupil Premium Plus: decisions and payments")
        add_free_data(doc, funding, names=names)

    if pep.qa_ratings:
        latest = pep.qa_ratings[-1]
        doc.add("heading", "Quality assurance")
        doc.add("field", humanise(latest.overall), label=f"Overall rating ({latest.scale.upper()})")
        doc.add("field", f"{who(latest.by)} on {format_value(latest.at)}", label="Rated by")
        if latest.feedback:
            doc.add("field", latest.feedback, label="Feedback")
        if latest.sections or latest.section_feedback:
            table = [["Section", "Rating", "Feedback"]]
            for section_id in dict.fromkeys([*latest.sections, *latest.section_feedback]):
                spec = registry.sections.get(section_id)
                table.append([spec.title if spec else section_id, humanise(latest.sections.get(section_id, "-")),
                              latest.section_feedback.get(section_id, "")])
            doc.add("table", rows=table, widths=[3, 1.2, 4])
        if len(pep.qa_ratings) > 1:
            history = [["When", "By", "Overall"]] + [
                [format_value(r.at), who(r.by), humanise(r.overall)] for r in pep.qa_ratings
            ]
            doc.add("subheading", "Earlier ratings")
            doc.add("table", rows=history, widths=[2, 3, 1.5])
    if pep.return_reason:
        doc.add("field", pep.return_reason, label="Returned with the reason")

    doc.add("heading", "Sign-offs")
    if pep.sign_offs:
        doc.add("table", rows=[["Step", "By", "Role", "When", "Note"]] + [
            [humanise(s.step), who(s.by), _role_title(registry, s.role), format_value(s.at), s.note]
            for s in pep.sign_offs
        ], widths=[1.4, 3, 2, 2, 3])
    else:
        doc.add("paragraph", "None yet.")
    doc.header = f"{child.display_name} - Personal Education Plan {term}"
    doc.footer = f"{child.display_name} - PEP {term} - revision {pep.revision} - printed {today:%d %b %Y}"
    doc.footer_note = f"Printed for {reader}. {CONFIDENTIAL}"
    return doc


def _role_title(registry: Registry, role_id: str) -> str:
    role = registry.roles.get(role_id)
    return role.title if role is not None else humanise(role_id)


# --- blank PEPs ------------------------------------------------------------------------------------


def _dob_for(group: int, academic_year: int) -> date:
    return date(academic_year - group - 5, 12, 1)


def _variants(stage: StageDefinition, academic_year: int) -> list[SectionContext]:
    """Made-up children of the stage in several circumstances, to see which sections may apply."""
    now = datetime(academic_year, 9, 1, tzinfo=UTC)
    found = []
    for group in stage.year_groups:
        base = Child(id="blank", first_name="Blank", last_name="Form", date_of_birth=_dob_for(group, academic_year),
                     date_entered_care=date(academic_year - 1, 1, 1))
        children = [
            base,
            base.model_copy(update={"on_roll": False, "school_urn": None}),
            base.model_copy(update={"sen_status": SENStatus.EHCP}),
            base.model_copy(update={"school_moves": [SchoolMove(on=date(academic_year, 9, 2))]}),
        ]
        for term in Term:
            pep = PEP(id="blank", child_id="blank", academic_year=academic_year, term=term, stage=stage.id,
                      year_group=group, created_by="", created_at=now, updated_by="", updated_at=now)
            previous = pep.model_copy(update={"id": "blank_previous", "term": Term.AUTUMN,
                                              "academic_year": academic_year - 1})
            for child in children:
                found.append(SectionContext(child=child, pep=pep, previous=None))
                found.append(SectionContext(child=child, pep=pep, previous=previous))
    return found


def blank_sections(registry: Registry, stage: StageDefinition, role: str, today: date) -> list[tuple[SectionSpec, bool]]:
    """``(section, always)`` for the sections a blank PEP of ``stage`` may need, as ``role`` may see them.

    ``always`` is false for circumstance sections (completed only if they apply).
    """
    contexts = _variants(stage, TermRef.containing(today).academic_year)
    out = []
    for spec in registry.sections.values():
        if spec.stages is not None and stage.id not in spec.stages:
            continue
        if not registry.can_view_section(role, spec):
            continue
        if spec.applies is None:
            out.append((spec, True))
            continue
        results = []
        for ctx in contexts:
            try:
                results.append(bool(spec.applies(ctx)))
            except Exception:
                results.append(False)
        if any(results):
            out.append((spec, all(results)))
    return sorted(out, key=lambda pair: (pair[0].order, pair[0].id))


def blank_document(registry: Registry, stage: StageDefinition, role: str, today: date,
                   training: bool = False) -> Document:
    """A PEP form for ``stage`` with empty boxes, for use on paper when offline (``training``: from a
    training sandbox, marked so on every page)."""
    year = academic_year_label(TermRef.containing(today).academic_year)
    doc = Document(title=f"Personal Education Plan - {stage.title} (blank form)", training=training)
    for label, lines in (("Child's name", 1), ("Date of birth", 1), ("UPN", 1), ("School or setting", 1),
                         ("Term and academic year", 1)):
        doc.add("field", label=label, blank=True, lines=lines)
    doc.add("note", f"{CONFIDENTIAL} Once completed, enter it into pep-tui and store or destroy the paper "
                    f"copy securely.")
    for spec, always in blank_sections(registry, stage, role, today):
        doc.add("heading", spec.title)
        if not always:
            doc.add("note", f"Complete only if it applies. {spec.help}".strip())
        elif spec.help:
            doc.add("note", spec.help)
        add_blank_fields(doc, spec.model)
    doc.add("heading", "Sign-offs")
    doc.add("table", rows=[["Step", "Name", "Role", "Date", "Signature"],
                           *[[step, "", "", "", ""] for step in ("Completed", "Submitted", "Approved")]],
            widths=[1.5, 3, 2, 1.5, 3], lines=3)
    doc.header = f"Personal Education Plan - {stage.title} (blank form)"
    doc.footer = f"Blank PEP - {stage.title} - {year} - printed {today:%d %b %Y}"
    doc.footer_note = CONFIDENTIAL
    return doc


def describe_stages(registry: Registry) -> str:
    """``"early_years, ks1, …"`` for messages."""
    return ", ".join(s.id for s in registry.ordered_stages())

