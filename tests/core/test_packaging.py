"""Packaging: every Python package folder is listed in pyproject.toml, so `pip install .` ships it."""

from __future__ import annotations

import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_every_package_folder_is_listed_in_pyproject() -> None:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["setuptools"]
    listed = set(config["packages"])
    found = set()
    for name, folder in config["package-dir"].items():
        base = ROOT / folder
        for init in base.rglob("__init__.py"):
            if "__pycache__" in init.parts:
                continue
            rel = init.parent.relative_to(base)
            found.add(".".join([name, *rel.parts]))
    assert found == listed, f"missing from pyproject: {sorted(found - listed)}; listed but absent: {sorted(listed - found)}"


def test_built_in_plugins_register_through_the_public_entry_point_group() -> None:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    group = project["entry-points"]["pep_tui"]
    for stage in ("early_years", "ks1", "ks2", "ks3", "ks4", "post16"):
        assert group[stage] == f"pep_tui_stages.{stage}"
    for role in ("social_worker", "designated_teacher", "virtual_school", "carer", "child", "parent", "iro"):
        assert group[role].startswith("pep_tui_plugins.")
