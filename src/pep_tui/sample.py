"""The deterministic, plainly fictional sample cohort for training, demos, tests and benchmarks.

Same seed and size → the same cohort, byte for byte in content (ids are derived from the seed too).
Every school is marked "(fictional)", surnames are invented, UPNs use the pseudo-LA number 001 and
every child record carries ``training=True``. Section content comes from each section's
``SectionSpec.sample``; cohort-wide data from the ``register_sample_data`` hook.
"""

from __future__ import annotations

import csv
import io
import random
import uuid
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from pydantic import BaseModel

from pep_tui.domain import (
    PEP,
    Child,
    LegalStatus,
    PEPStatus,
    QARating,
    SchoolMove,
    SectionData,
    SENStatus,
    SignOff,
    StaffMember,
    StaffScope,
    TermRef,
    pep_required,
    year_group,
)
from pep_tui.domain.care import Allocation, AllocationKind, current_value, initial_allocations
from pep_tui.domain.reference import read_data_text
from pep_tui.domain.upn import make_upn
from pep_tui.plugins.api import SampleCohort, SampleContext, SectionContext
from pep_tui.store import ChildRecord

#: The date the training cohort is set on (spring term 2025-26). Training sandboxes use it as "today".
SAMPLE_TODAY = date(2026, 2, 9)
SAMPLE_ACTOR = "sample"
POST16_ROUTES = ("education", "employment", "neet", "custody")
QA_VALUES = {"rag": ["green", "green", "amber", "green", "red"], "ggar": ["gold", "green", "green", "amber", "red"]}


@dataclass(frozen=True)
class SampleReport:
    """What was generated."""

    children: int
    peps: int
    staff: int


@dataclass(frozen=True)
class School:
    """A fictional school."""

    urn: str
    name: str
    phase: str


def _names() -> tuple[list[str], list[str]]:
    first: list[str] = []
    last: list[str] = []
    target = first
    for line in read_data_text("sample_names.txt").splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        if line == "[first]":
            target = first
        elif line == "[last]":
            target = last
        else:
            target.append(line)
    return first, last


def schools() -> list[School]:
    """The fictional schools of the sample cohort."""
    return [School(r["urn"], r["name"], r["phase"]) for r in csv.DictReader(io.StringIO(read_data_text("sample_schools.csv")))]


def sample_staff(school_list: list[School]) -> list[StaffMember]:
    """Staff records for every role, all fictional. Logins are stable so exercises can name them."""
    staff = [
        StaffMember(login="vs.head", display_name="Val Headley (Virtual School Head)", roles=["virtual_school"], admin=True),
        StaffMember(login="vs.adviser", display_name="Avi Adviser (education adviser)", roles=["virtual_school"]),
        StaffMember(login="sw.amara", display_name="Amara Casewell (social worker)", roles=["social_worker"]),
        StaffMember(login="sw.ben", display_name="Ben Fieldhouse (social worker)", roles=["social_worker"]),
        StaffMember(login="sw.cleo", display_name="Cleo Kindly (social worker)", roles=["social_worker"]),
        StaffMember(login="iro.ivy", display_name="Ivy Reviewer (IRO)", roles=["iro"]),
        StaffMember(login="iro.omar", display_name="Omar Overseer (IRO)", roles=["iro"]),
        StaffMember(login="parent.pat", display_name="Pat Kinship (parent)", roles=["parent"]),
    ]
    for school in school_list:
        short = school.name.split()[0].lower()
        staff.append(
            StaffMember(
                login=f"dt.{short}", display_name=f"Designated teacher, {school.name}",
                roles=["designated_teacher"], scope=StaffScope(school_urns=[school.urn]),
            )
        )
    for n in range(1, 13):
        staff.append(StaffMember(login=f"carer.{n:02d}", display_name=f"Foster carer {n:02d} (fictional)", roles=["carer"]))
    return staff


def _dob_for(rng: random.Random, group: int, today: date) -> date:
    start = today.year if today.month >= 9 else today.year - 1
    age_on_31_aug = group + 4
    earliest = date(start - age_on_31_aug - 1, 9, 1)
    return earliest + timedelta(days=rng.randrange(365))


def _school_for(rng: random.Random, group: int, school_list: list[School]) -> School:
    phase = "nursery" if group < 0 else "primary" if group <= 6 else "secondary" if group <= 11 else "college"
    choices = [s for s in school_list if s.phase == phase]
    return rng.choice(choices)


def _stamp(day: date) -> datetime:
    return datetime.combine(day, time(10, 0), tzinfo=UTC)


def build_cohort(registry, policy, *, children: int, seed: int, today: date = SAMPLE_TODAY, history: int = 3) -> SampleCohort:
    """Build the cohort in memory (nothing is written). ``history`` is the number of termly PEPs per child."""
    rng = random.Random(seed)
    id_rng = random.Random(seed * 7919 + 1)
    first_names, last_names = _names()
    school_list = schools()
    staff = sample_staff(school_list)
    social_workers = [m.login for m in staff if "social_worker" in m.roles]
    carers = [m.login for m in staff if "carer" in m.roles]
    iros = [m.login for m in staff if "iro" in m.roles]
    dt_for = {m.scope.school_urns[0]: m.login for m in staff if "designated_teacher" in m.roles}
    groups = list(range(-2, 14))
    cohort = SampleCohort(rng=rng, children=[], peps={}, staff=staff, today=today)
    post16_seen = 0
    ks4_move_done = False
    for i in range(children):
        group = groups[i % len(groups)]
        story: dict[str, Any] = {"index": i}
        child_id = "child_" + uuid.UUID(int=id_rng.getrandbits(128)).hex[:20]
        first = first_names[(i * 7 + seed) % len(first_names)]
        last = rng.choice(last_names)
        dob = _dob_for(rng, group, today)
        school = _school_for(rng, group, school_list)
        on_roll = True
        if group >= 12:
            route = POST16_ROUTES[post16_seen % len(POST16_ROUTES)]
            post16_seen += 1
            story["post16_route"] = route
            if route != "education":
                on_roll = False
        if i % 23 == 11 and 1 <= group <= 11:
            on_roll = False
            story["not_on_roll"] = True
        if i % 9 == 4:
            story["attendance_concern"] = "c2" if group >= 7 else "persistent"
        elif i % 13 == 6:
            story["attendance_concern"] = "persistent"
        sen = SENStatus.NONE
        if i % 7 == 3:
            sen = SENStatus.EHCP
            story["ehcp"] = True
        elif i % 5 == 1:
            sen = SENStatus.SEN_SUPPORT
        entered = today - timedelta(days=rng.randrange(200, 2400))
        if i % 29 == 7:
            entered = today - timedelta(days=rng.randrange(3, 20))  # newly in care: initial PEP due
            story["new_to_care"] = True
        entered = max(entered, dob + timedelta(days=30))
        moves: list[SchoolMove] = []
        if i % 17 == 5 and 1 <= group <= 11:
            old = _school_for(rng, group, [s for s in school_list if s.urn != school.urn] or school_list)
            moves.append(SchoolMove(on=today - timedelta(days=rng.randrange(5, 40)), from_urn=old.urn, to_urn=school.urn,
                                    reason="placement move"))
            story["school_move"] = True
        placement_moves: list[date] = []
        if not ks4_move_done and group in (10, 11) and i >= 10:
            placement_moves.append(today + timedelta(days=21))
            story["ks4_placement_move"] = True
            ks4_move_done = True
        child = Child(
            id=child_id,
            revision=1,
            first_name=first,
            last_name=last,
            date_of_birth=dob,
            upn=make_upn(1, 9000 + int(school.urn[-2:]), 2000 + max(group, 0) % 20, 100 + i % 900)
            if group >= 0 else ("UN1" if i % 2 else None),
            la_child_id=f"TRN{seed % 1000:03d}{i:05d}",
            sex=rng.choice(["1", "2"]),
            date_entered_care=entered,
            legal_status=rng.choice([LegalStatus.C2, LegalStatus.C2, LegalStatus.V2, LegalStatus.C1]),
            placement=rng.choice(["Foster care (LA)", "Foster care (agency)", "Kinship care", "Residential home"]),
            placement_moves=placement_moves,
            school_urn=school.urn if on_roll or story.get("post16_route") == "education" else None,
            school_name=school.name if on_roll or story.get("post16_route") == "education" else None,
            on_roll=on_roll,
            school_moves=moves,
            social_worker=social_workers[i % len(social_workers)],
            designated_teacher=dt_for[school.urn] if on_roll else None,
            carer=carers[i % len(carers)],
            iro=iros[i % len(iros)],
            sen_status=sen,
            ehcp_review_date=(today + timedelta(days=rng.randrange(10, 300))) if sen is SENStatus.EHCP else None,
            care_plan_reviews=[entered + timedelta(days=28)],
            training=True,
        )
        if group >= 7 and i % 11 == 2:
            login = f"yp.{first.lower()}{i}"
            child = child.model_copy(update={"young_person_login": login})
            staff.append(StaffMember(login=login, display_name=f"{first} (young person)", roles=["child"],
                                     scope=StaffScope(child_ids=[child_id])))
        if i == 5:
            child = child.model_copy(update={"family_access": ["parent.pat"]})
        child = child.model_copy(update={"allocations": _sample_allocations(child)})
        cohort.children.append(child)
        cohort.stories[child_id] = story
        # Section content draws from its own per-child RNG, so a plugin changing its sample data never
        # shifts the names, schools or staff of the children after it (exercises rely on them).
        # Each section's content then has a stream of its own (see _section_rng), so installing or
        # removing a plugin never changes another plugin's sample content.
        content_rng = random.Random(seed * 104_729 + i)
        # PEP ids come from a per-child RNG too, so PEPs added or dropped for one child never change the
        # ids of the children after it.
        pep_id_rng = random.Random(seed * 15_485_863 + i)
        cohort.peps[child_id] = _peps_for(content_rng, pep_id_rng, registry, policy, child, story, today, history, i,
                                          content_seed=seed * 104_729 + i)
    for plugin, contributor in registry.sample_contributors:
        # Each contributing plugin draws from a stream of its own, derived from the seed and its name:
        # what one plugin adds never depends on which others are installed, or in which order they run.
        cohort.rng = random.Random(f"{seed}:{plugin}")
        contributor(cohort)
    cohort.rng = rng
    return cohort


#: The purpose naming the stream that decides whether a section of an in-progress sample PEP is left
#: to do (per section, so one plugin's sections never depend on which others are installed).
TO_DO = "left to do"


def _section_rng(content_seed: int, pep: PEP, section_id: str, purpose: str = "content") -> random.Random:
    """The random stream of one section of one sample PEP: derived from the child's seed, the PEP's term
    and the section id only, so it is the same whichever other sections (plugins) are installed."""
    return random.Random(f"{content_seed}:{pep.academic_year}:{pep.term.value}:{section_id}:{purpose}")


def _sample_allocations(child: Child) -> list[Allocation]:
    """The allocation history of a sample child: what the record says, from entering care; a child who
    moved school has the old school until the move."""
    found = initial_allocations(child, "vs.head", "sample")
    move = child.school_moves[-1] if child.school_moves else None
    if move is None or not move.from_urn:
        return found
    start = child.date_entered_care or child.date_of_birth
    rest = [a for a in found if a.kind is not AllocationKind.SCHOOL]
    return [*rest,
            Allocation(kind=AllocationKind.SCHOOL, value=[move.from_urn], start=start, recorded_by="vs.head", source="sample"),
            Allocation(kind=AllocationKind.SCHOOL, value=current_value(child, AllocationKind.SCHOOL),
                       start=max(move.on, start), recorded_by="vs.head", source="sample")]


def _current_state(i: int, story: dict[str, Any]) -> PEPStatus | None:
    if story.get("new_to_care"):
        return None
    cycle = [PEPStatus.APPROVED, PEPStatus.IN_PROGRESS, PEPStatus.SUBMITTED, None, PEPStatus.RETURNED,
             PEPStatus.APPROVED, PEPStatus.IN_PROGRESS, PEPStatus.NOT_STARTED]
    return cycle[i % len(cycle)]


def _peps_for(rng, id_rng, registry, policy, child: Child, story, today: date, history: int, i: int, *,
              content_seed: int) -> list[PEP]:
    if story.get("new_to_care"):
        return []
    current = TermRef.containing(today)
    terms = [current]
    for _ in range(history - 1):
        terms.insert(0, terms[0].previous())
    terms = [t for t in terms if t.start >= child.date_entered_care - timedelta(days=120)] or [current]
    peps: list[PEP] = []
    previous: PEP | None = None
    state_now = _current_state(i, story)
    scale = policy.qa_scale
    for term in terms:
        is_current = term == current
        if is_current and state_now is None:
            break
        group = year_group(child.date_of_birth, term.start)
        stage = registry.stage_for_year_group(group)
        if stage is None or not pep_required(child.date_of_birth, min(term.end, today), policy.early_years_start):
            continue
        created = _stamp(term.start + timedelta(days=10))
        status = state_now if is_current else PEPStatus.APPROVED
        pep = PEP(
            id="pep_" + uuid.UUID(int=id_rng.getrandbits(128)).hex[:20],
            child_id=child.id, academic_year=term.academic_year, term=term.term, stage=stage.id, year_group=group,
            status=status, revision=1, initial=previous is None, previous_pep_id=previous.id if previous else None,
            due_date=term.start + timedelta(days=42),
            created_by=child.social_worker or SAMPLE_ACTOR, created_at=created,
            updated_by=child.designated_teacher or SAMPLE_ACTOR, updated_at=created + timedelta(days=20),
        )
        if status is not PEPStatus.NOT_STARTED:
            pep = pep.model_copy(update={"sections": _sections(content_seed, registry, child, pep, previous, story,
                                                               status)})
        stamp = created + timedelta(days=21)
        sign_offs: list[SignOff] = []
        if status in (PEPStatus.SUBMITTED, PEPStatus.RETURNED, PEPStatus.APPROVED):
            sign_offs.append(SignOff(step="submit", by=child.designated_teacher or "vs.adviser", role="designated_teacher", at=stamp))
        update: dict[str, Any] = {"sign_offs": sign_offs}
        if status is PEPStatus.RETURNED:
            reason = "Targets need owners and review dates; please add the child's views."
            sign_offs.append(SignOff(step="return", by="vs.adviser", role="virtual_school", at=stamp + timedelta(days=2), note=reason))
            update["return_reason"] = reason
            update["qa_ratings"] = [QARating(scale=scale, overall="red" if scale == "rag" else "red", by="vs.adviser",
                                             at=stamp + timedelta(days=2), feedback=reason)]
        if status is PEPStatus.APPROVED:
            rating = rng.choice(QA_VALUES[scale])
            update["qa_ratings"] = [QARating(scale=scale, overall=rating, by="vs.adviser", at=stamp + timedelta(days=3),
                                             feedback="Clear targets linked to needs." if rating in ("green", "gold") else
                                             "Targets need sharper success measures.")]
            sign_offs.append(SignOff(step="approve", by="vs.adviser", role="virtual_school", at=stamp + timedelta(days=3)))
        pep = pep.model_copy(update=update)
        peps.append(pep)
        previous = pep
    return peps


def _sections(content_seed: int, registry, child: Child, pep: PEP, previous: PEP | None, story,
              status: PEPStatus) -> dict[str, SectionData]:
    sctx = SectionContext(child=child, pep=pep, previous=previous)
    out: dict[str, SectionData] = {}
    specs = registry.sections_for(sctx)
    for spec in specs:
        if spec.sample is None:
            continue
        if status is PEPStatus.IN_PROGRESS and _section_rng(content_seed, pep, spec.id, TO_DO).random() < 1 / 3:
            continue  # leave about a third of the sections to do, chosen section by section
        working = pep.model_copy(update={"sections": out})
        rng = _section_rng(content_seed, pep, spec.id)
        value = spec.sample(SampleContext(rng=rng, child=child, pep=working, previous=previous, story=story))
        if value is None:
            continue
        model = value if isinstance(value, BaseModel) else spec.model.model_validate(value)
        out[spec.id] = SectionData(version=spec.version, data=model.model_dump(mode="json"),
                                   updated_by=SAMPLE_ACTOR, updated_at=_stamp(pep.term_ref.start + timedelta(days=15)))
    return out


def generate_cohort(services, *, children: int, seed: int, history: int = 3) -> SampleReport:
    """Build the cohort and write it, with its staff, into the services' (training) store."""
    store = services.store
    if store.kind != "training":
        raise ValueError("sample data goes only into a training sandbox, never a live store")
    cohort = build_cohort(services.registry, services.ctx.settings.policy, children=children, seed=seed,
                          today=services.ctx.today(), history=history)
    for member in cohort.staff:
        if store.get_staff(member.login) is None:
            store.save_staff(member, None, SAMPLE_ACTOR, "system")
    records = [ChildRecord(c, cohort.peps.get(c.id, [])) for c in cohort.children]
    store.import_records(records, SAMPLE_ACTOR, "system", action="sample.create")
    for _plugin, writer in services.registry.sample_writers:
        writer(services, cohort)
    for hook in cohort.extra.get("after_write", []):  # plugins written for API 1.0/1.1
        hook(services, cohort)
    return SampleReport(children=len(records), peps=sum(len(r.peps) for r in records), staff=len(cohort.staff))
