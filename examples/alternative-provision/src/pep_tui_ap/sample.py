"""Fictional sample content for the training cohort.

Each function draws from a generator seeded by the child's and PEP's ids rather than from the
cohort's shared ``ctx.rng``: the content is the same on every run, and installing this plugin does
not change the sample data other plugins generate for other children.
"""

from __future__ import annotations

import random
from datetime import timedelta

from pep_tui.plugins.api import SampleContext
from pep_tui_ap.models import APPlacement, APProgress, Commissioner, ProviderType

PROVIDERS = (
    ("Brookfield Learning Centre (fictional)", ProviderType.PUPIL_REFERRAL_UNIT, "999801"),
    ("Saltmarsh AP Academy (fictional)", ProviderType.AP_ACADEMY, "999802"),
    ("Kiln Lane Workshop (fictional)", ProviderType.UNREGISTERED, None),
    ("Heronsgate Online Tuition (fictional)", ProviderType.TUITION, None),
)


def _rng(ctx: SampleContext, salt: str) -> random.Random:
    return random.Random(f"{ctx.child.id}:{ctx.pep.id}:{salt}")


def sample_placement(ctx: SampleContext) -> APPlacement:
    """A placement at one of four fictional providers, full or part time with a reason."""
    rng = random.Random(f"{ctx.child.id}:provider")  # the same provider in every term's PEP
    name, kind, urn = rng.choice(PROVIDERS)
    term_start = ctx.pep.term_ref.start
    hours = _rng(ctx, "hours").choice([25, 25, 20, 15])
    return APPlacement(
        provider_name=name,
        provider_type=kind,
        provider_urn=urn,
        commissioned_by=Commissioner.LOCAL_AUTHORITY,
        start_date=term_start - timedelta(days=rng.randrange(20, 200)),
        hours_per_week=hours,
        part_time_reason="" if hours >= 25 else "Phased start after a permanent exclusion; up by 5 hours each half term",
        safeguarding_checked=True,
        review_date=term_start + timedelta(weeks=10),
    )


def sample_progress(ctx: SampleContext) -> APProgress:
    """Attendance, progress and a reintegration plan."""
    rng = _rng(ctx, "progress")
    return APProgress(
        attendance_percent=rng.choice([96, 92, 88, 81]),
        english_and_maths=True,
        progress_summary=rng.choice([
            "Settled well; completing English and maths work at the expected level.",
            "Engagement improving; one-to-one reading sessions twice a week.",
        ]),
        reintegration_plan="Trial mornings at a mainstream school next term, with a named key adult.",
        planned_return_date=ctx.pep.term_ref.start + timedelta(weeks=26),
    )
