"""Sample content for the shared sections, consistent with the child's story in the training cohort.

Story keys used: ``attendance_concern`` (``c2`` → part-time timetable; ``persistent`` → attendance
under 90%), ``not_on_roll``, ``school_move``, ``post16_route``.
"""

from __future__ import annotations

import re
from datetime import timedelta

from pep_tui.domain import Attendee, SENStatus, Target, TargetArea, TargetOutcome
from pep_tui.domain.pep import PREVIOUS_TARGETS_SECTION
from pep_tui.plugins.api import SampleContext
from pep_tui_stages.sample_content import (
    day_in_term,
    first_name,
    next_term_review,
    person,
    pick,
    pick_some,
    sample_id,
)
from pep_tui_stages.shared_models import (
    Activity,
    Attendance,
    EducationSetting,
    LeisureInterests,
    Meeting,
    PreviousTargets,
    PrimaryNeed,
    SchoolMoveEntry,
    SENSupport,
    SettingType,
    TargetReview,
    Targets,
    Wellbeing,
)
from pep_tui_stages.target_ideas import ideas_for


def sample_education_setting(ctx: SampleContext) -> EducationSetting:
    """The child's school from the child record; school moves from the record too."""
    rng = ctx.rng
    child = ctx.child
    group = ctx.pep.year_group
    moves = [
        SchoolMoveEntry(moved_on=m.on, from_setting=f"School with URN {m.from_urn}" if m.from_urn else "previous school",
                        to_setting=child.school_name or "new school", reason=m.reason)
        for m in child.school_moves if m.on <= ctx.pep.term_ref.end
    ]
    if not child.on_roll or child.school_name is None:
        return EducationSetting(
            setting_name="No school place: interim tuition arranged by the Virtual School",
            setting_type=SettingType.NONE, on_roll=False, designated_teacher="None: led by the Virtual School",
            school_moves=moves,
        )
    kind = SettingType.NURSERY if group < 0 else pick(rng, (SettingType.ACADEMY, SettingType.MAINTAINED))
    lead_note = "key person" if group < 0 else "designated teacher"
    return EducationSetting(
        setting_name=child.school_name,
        school_urn=child.school_urn,
        setting_type=kind,
        on_roll=True,
        designated_teacher=person(rng, lead_note),
        designated_teacher_contact="dt.office@school.invalid",
        started_on=moves[-1].moved_on if moves else ctx.pep.term_ref.start - timedelta(days=365 * rng.randint(0, 2)),
        school_moves=moves,
    )


def _sessions_so_far(ctx: SampleContext) -> int:
    """Possible sessions by the PEP meeting: about 2 a school day since September."""
    term = ctx.pep.term.index
    base = (70, 190, 300)[term]
    sessions = base + ctx.rng.randint(-8, 8)
    return sessions // 2 if ctx.pep.year_group < 0 else sessions  # nursery places are part-time


def sample_attendance(ctx: SampleContext) -> Attendance:
    """Good attendance by default; under 90% for a persistent-absence story, plus C2 for a part-time one."""
    rng = ctx.rng
    concern = ctx.story.get("attendance_concern")
    possible = _sessions_so_far(ctx)
    if concern == "c2":
        rate = rng.uniform(0.68, 0.84)
    elif concern == "persistent":
        rate = rng.uniform(0.76, 0.88)
    else:
        rate = rng.uniform(0.92, 0.995)
    present = int(possible * rate)
    absent = possible - present
    unauthorised = absent // 3 if concern else absent // 8
    suspended = concern == "c2" and rng.random() < 0.6
    support = ""
    if concern == "c2":
        support = (f"Part-time timetable (mornings only) agreed for six weeks from {ctx.pep.term_ref.start:%d %B %Y}; "
                   "one extra afternoon added every two weeks; reviewed weekly by the designated teacher and the "
                   "Virtual School adviser.")
    elif concern == "persistent":
        support = ("Morning check-in with a key adult, a daily phone call to the carer when absent, and an "
                   "attendance meeting with the education welfare officer every three weeks.")
    return Attendance(
        sessions_possible=possible,
        sessions_present=present,
        sessions_authorised_absence=absent - unauthorised,
        sessions_unauthorised_absence=unauthorised,
        suspensions=1 if suspended else 0,
        suspension_days=float(rng.choice((1, 2))) if suspended else 0.0,
        permanent_exclusion=False,
        part_time_timetable=concern == "c2",
        support=support,
    )


def sample_sen(ctx: SampleContext) -> SENSupport:
    """SEN status from the child record, with a plausible need and support."""
    rng = ctx.rng
    status = ctx.child.sen_status
    if status is SENStatus.NONE:
        return SENSupport(sen_status=status, support_in_place="No special educational needs identified; "
                          "quality-first teaching with the usual checks of progress.")
    need = pick(rng, (PrimaryNeed.SEMH, PrimaryNeed.SLCN, PrimaryNeed.SPLD, PrimaryNeed.ASD, PrimaryNeed.MLD))
    support = {
        PrimaryNeed.SEMH: "Daily regulation breaks, a key adult and a weekly ELSA session.",
        PrimaryNeed.SLCN: "Speech and language programme three times a week with a trained teaching assistant.",
        PrimaryNeed.SPLD: "Coloured overlays, a reading pen and a structured spelling programme.",
        PrimaryNeed.ASD: "Visual timetable, a quiet base at break times and warnings before changes.",
        PrimaryNeed.MLD: "Small-group maths and English with pre-teaching of key vocabulary.",
    }[need]
    return SENSupport(sen_status=status, primary_need=need, support_in_place=support, senco=person(rng, "SENCO"))


_COMMENTS = {
    TargetOutcome.MET: ("Achieved: {name} did this consistently for the last four weeks.",
                        "Met ahead of the review date; evidence in the class assessment record."),
    TargetOutcome.PARTLY_MET: ("Good progress but not yet consistent; carried forward with smaller steps.",
                               "Partly met: managed most weeks, but not after holidays."),
    TargetOutcome.NOT_MET: ("Not met: sessions were missed during the placement change; carried forward.",
                            "Not met yet; the approach has been changed and the target carried forward."),
}


def sample_previous_targets(ctx: SampleContext) -> PreviousTargets | None:
    """Each of the previous PEP's targets with an outcome and evidence."""
    if ctx.previous is None or not ctx.previous.targets:
        return None
    rng = ctx.rng
    reviews = []
    for target in ctx.previous.targets:
        outcome = pick(rng, (TargetOutcome.MET, TargetOutcome.MET, TargetOutcome.PARTLY_MET, TargetOutcome.PARTLY_MET,
                             TargetOutcome.NOT_MET))
        comment = pick(rng, _COMMENTS[outcome]).format(name=first_name(ctx))
        reviews.append(TargetReview(target_id=target.id, description=target.description, owner=target.owner,
                                    outcome=outcome, comment=comment))
    return PreviousTargets(reviews=reviews)


def sample_targets(ctx: SampleContext) -> Targets:
    """Two to four SMART targets, at least one non-academic; unmet targets are carried forward."""
    rng = ctx.rng
    ideas = ideas_for(ctx)
    academic = [i for i in ideas if i.area is TargetArea.ACADEMIC]
    other = [i for i in ideas if i.area is not TargetArea.ACADEMIC]
    chosen = pick_some(rng, academic, 1, 2) + pick_some(rng, other, 1, 2) if academic else pick_some(rng, other, 2, 3)
    targets: list[Target] = []
    previous = {t.id: t for t in (ctx.previous.targets if ctx.previous else [])}
    for review in ctx.pep.section(PREVIOUS_TARGETS_SECTION).get("reviews", []):
        old = previous.get(review.get("target_id"))
        if old is not None and review.get("outcome") == TargetOutcome.NOT_MET.value and len(targets) < 1:
            targets.append(old.model_copy(update={
                "id": sample_id(rng, "t"), "review_date": next_term_review(rng, ctx.pep), "outcome": None,
                "outcome_comment": "", "carried_from": ctx.previous.id if ctx.previous else None,
            }))
    for idea in chosen[: 4 - len(targets)]:
        targets.append(idea.target(sample_id(rng, "t"), first_name(ctx), next_term_review(rng, ctx.pep)))
    return Targets(targets=targets)


_INTERESTS = {
    "young": ("Loves the sand tray, building towers and singing songs with actions.",
              "Enjoys puddle walks, feeding the ducks and stories at bedtime."),
    "primary": ("Enjoys football, drawing dragons and building with construction bricks.",
                "Loves animals, swimming and making up dances to music."),
    "secondary": ("Into gaming, cooking for the household on Sundays and skateboarding.",
                  "Enjoys drama, music production on a laptop and looking after the family dog."),
}
_ACTIVITIES = (
    Activity(activity="Swimming lessons", when="Saturday mornings", funded_by="carer"),
    Activity(activity="Football club", when="Tuesdays after school", funded_by="school"),
    Activity(activity="Drama group", when="Thursday evenings", funded_by="PP+"),
    Activity(activity="Cubs / Scouts", when="Wednesday evenings", funded_by="carer"),
    Activity(activity="Music lessons (guitar)", when="weekly in school", funded_by="PP+"),
)


def sample_leisure(ctx: SampleContext) -> LeisureInterests:
    """Interests by age, with one or two activities."""
    rng = ctx.rng
    band = "young" if ctx.pep.year_group < 1 else "primary" if ctx.pep.year_group <= 6 else "secondary"
    activities = [] if band == "young" else pick_some(rng, _ACTIVITIES, 1, 2)
    return LeisureInterests(
        interests=pick(rng, _INTERESTS[band]),
        activities=activities,
        would_like_to_try=pick(rng, ("Horse riding; the carer is finding a local stables.",
                                     "A holiday art club in the summer.", "Nothing new at the moment.")),
    )


def sample_wellbeing(ctx: SampleContext) -> Wellbeing:
    """An SDQ for children aged 4-16 (a statutory annual return), with support matched to the score."""
    rng = ctx.rng
    name = first_name(ctx)
    score = rng.randint(6, 24) if 0 <= ctx.pep.year_group <= 11 else None
    high = score is not None and score >= 17
    return Wellbeing(
        sdq_score=score,
        sdq_date=day_in_term(rng, ctx.pep.term_ref.previous(), 5, 60) if score is not None else None,
        emotional_wellbeing=(f"{name} can become overwhelmed after contact and needs time to settle the next morning."
                             if high else f"{name} is mostly settled and has friends in class; "
                             "worries come out at transitions."),
        support_in_place=("Weekly ELSA sessions, a calm space and a referral to the CAMHS looked-after children team."
                          if high else "A named adult to check in with, and a worry box in class."),
        camhs_involved=high,
        trusted_adult=person(rng),
    )


def sample_meeting(ctx: SampleContext) -> Meeting:
    """A meeting in the term with the designated teacher (or key person), social worker, carer and child."""
    rng = ctx.rng
    group = ctx.pep.year_group
    day = day_in_term(rng, ctx.pep.term_ref, 12, 30)
    lead_role = "key person" if group < 0 else "personal adviser" if group >= 12 else "designated teacher"
    attendees = [
        Attendee(name=person(rng), role=lead_role, invited=True, present=True),
        Attendee(name=person(rng), role="social worker", invited=True, present=rng.random() < 0.9),
        Attendee(name=person(rng), role="carer", invited=True, present=True),
    ]
    if group >= 3:
        attendees.append(Attendee(name=first_name(ctx), role="young person" if group >= 7 else "child",
                                  invited=True, present=rng.random() < 0.8))
    if ctx.story.get("not_on_roll") or ctx.story.get("attendance_concern") or rng.random() < 0.3:
        attendees.append(Attendee(name=person(rng), role="Virtual School adviser", invited=True, present=True))
    chair = attendees[1].name if attendees[1].present else attendees[0].name
    # Derived, not drawn, so the rest of the cohort stays as it was: fictional addresses at .example.
    for attendee in attendees:
        if attendee.role not in ("child", "young person"):
            attendee.email = re.sub(r"[^a-z]+", ".", attendee.name.lower()).strip(".") + "@people.example"
    return Meeting(meeting_date=day, start_time="14:00" if day.day % 2 else "10:00",
                   place="Meeting room, the child's school (fictional)", chair=chair, attendees=attendees,
                   next_meeting_date=day_in_term(rng, ctx.pep.term_ref.next(), 20, 45))


__all__ = [
    "sample_attendance",
    "sample_education_setting",
    "sample_leisure",
    "sample_meeting",
    "sample_previous_targets",
    "sample_sen",
    "sample_targets",
    "sample_wellbeing",
]
