"""Each plugin's sample content is its own: installing another plugin (with sections and a cohort-level
contributor of its own) leaves the first plugin's sample content, and the built-ins', unchanged."""

from __future__ import annotations

import sys
import types
from typing import Any

from pydantic import BaseModel, Field

from pep_tui.plugins import hookimpl
from pep_tui.plugins.api import SampleCohort, SampleContext, SectionSpec
from pep_tui.plugins.manager import PluginManager
from pep_tui.sample import build_cohort
from pep_tui.settings import Policy


class Diary(BaseModel):
    """A section model for the test plugins."""

    entry: str = Field("", description="An entry")
    mood: int = Field(0, description="Mood, 1 to 10")


def _plugin(name: str, order: int) -> types.ModuleType:
    module = types.ModuleType(name)

    def sample(ctx: SampleContext) -> Diary:
        return Diary(entry=ctx.rng.choice(["Sunny", "Rainy", "Windy", "Foggy"]) + f" {ctx.rng.randint(1, 999)}",
                     mood=ctx.rng.randint(1, 10))

    def contribute(cohort: SampleCohort) -> None:
        for child in cohort.children:
            cohort.stories[child.id][f"{name}.lucky"] = cohort.rng.randint(1, 10_000)

    @hookimpl
    def register_sections(register: Any) -> None:
        register(SectionSpec(id=f"{name}.diary", title="Diary", model=Diary, order=order, sample=sample,
                             editors=frozenset({"designated_teacher"})))

    @hookimpl
    def register_sample_data(register: Any) -> None:
        register(contribute)

    module.__dict__.update(PEP_TUI_API_VERSION="1.2", register_sections=register_sections,
                           register_sample_data=register_sample_data)
    sys.modules[name] = module
    return module


def _cohort(*extra: tuple[str, int]) -> SampleCohort:
    manager = PluginManager(strict=True)
    manager.load_entry_points()
    for name, order in extra:
        manager.load_module(_plugin(name, order), name=name)
    return build_cohort(manager.registry(), Policy(), children=30, seed=2026)


def _content(cohort: SampleCohort, section_ids: set[str]) -> dict[tuple[str, str], Any]:
    return {(pep.id, sid): pep.sections[sid].data for peps in cohort.peps.values() for pep in peps
            for sid in section_ids if sid in pep.sections}


def test_installing_a_second_plugin_leaves_the_firsts_sample_content_unchanged() -> None:
    alone = _cohort(("kit_alpha", 50))
    # kit_aardvark sorts (and runs its contributor) before kit_alpha, and its section's tab comes first
    together = _cohort(("kit_aardvark", 5), ("kit_alpha", 50))
    mine = _content(alone, {"kit_alpha.diary"})
    assert len(mine) > 20  # a real stream of content, not an empty comparison
    assert _content(together, {"kit_alpha.diary"}) == mine
    assert _content(together, {"kit_aardvark.diary"})  # the second plugin has content of its own
    assert {c: s["kit_alpha.lucky"] for c, s in together.stories.items()} == \
        {c: s["kit_alpha.lucky"] for c, s in alone.stories.items()}
    # the children, their states and every built-in section's content are unchanged too
    assert [c.model_dump() for c in together.children] == [c.model_dump() for c in alone.children]
    builtin = {sid for peps in alone.peps.values() for pep in peps for sid in pep.sections} - {"kit_alpha.diary"}
    assert builtin and _content(together, builtin) == _content(alone, builtin)
    assert [p.status for ps in together.peps.values() for p in ps] == [p.status for ps in alone.peps.values() for p in ps]


def test_the_same_seed_gives_the_same_content() -> None:
    assert _content(_cohort(("kit_alpha", 50)), {"kit_alpha.diary"}) == \
        _content(_cohort(("kit_alpha", 50)), {"kit_alpha.diary"})
