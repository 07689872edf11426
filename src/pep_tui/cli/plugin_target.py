"""Finding the plugin ``pep-tui plugins check`` is asked about: a folder, a file, a name or a module."""

from __future__ import annotations

import importlib
import importlib.util
import re
import sys
import tomllib
from importlib.metadata import entry_points
from pathlib import Path
from types import ModuleType
from typing import Any

from pep_tui.plugins import ENTRY_POINT_GROUP


class TargetNotFound(LookupError):
    """The path or name given to ``plugins check`` names no plugin."""


def _entry_points_in_pyproject(folder: Path) -> list[tuple[str, str]]:
    data = tomllib.loads((folder / "pyproject.toml").read_text(encoding="utf-8"))
    eps = data.get("project", {}).get("entry-points", {}).get(ENTRY_POINT_GROUP, {})
    return sorted(eps.items())


def _import(value: str) -> ModuleType | Any:
    module_name, _, attr = value.partition(":")
    module = importlib.import_module(module_name.strip())
    return getattr(module, attr.strip()) if attr else module


def resolve_target(target: str) -> list[tuple[str, str, ModuleType | Any]]:
    """``(plugin name, module name, loaded module)`` for each plugin a path or name designates.

    A folder with a ``pyproject.toml`` gives its ``pep_tui`` entry points (its ``src/`` folder is put
    first on ``sys.path``, so the working copy is checked rather than an installed one); a ``.py``
    file or a package folder is imported as it is; anything else is an installed plugin's entry-point
    name or an importable module name. Import errors propagate to the caller.
    """
    path = Path(target).expanduser()
    if path.is_dir() and (path / "pyproject.toml").exists():
        pairs = _entry_points_in_pyproject(path)
        if not pairs:
            raise TargetNotFound(f"{path}/pyproject.toml declares no entry point in [project.entry-points.{ENTRY_POINT_GROUP}]")
        for folder in (path, path / "src"):
            if folder.is_dir() and str(folder.resolve()) not in sys.path:
                sys.path.insert(0, str(folder.resolve()))
        return [(name, value.partition(":")[0], _import(value)) for name, value in pairs]
    if path.is_file() and path.suffix == ".py":
        name = path.stem
        spec = importlib.util.spec_from_file_location(name, path)
        if spec is None or spec.loader is None:
            raise TargetNotFound(f"cannot import {path}")
        module = importlib.util.module_from_spec(spec)
        sys.modules[name] = module
        spec.loader.exec_module(module)
        return [(name, name, module)]
    if path.is_dir() and (path / "__init__.py").exists():
        sys.path.insert(0, str(path.resolve().parent))
        return [(path.name, path.name, importlib.import_module(path.name))]
    for ep in entry_points(group=ENTRY_POINT_GROUP):
        if ep.name == target:
            return [(ep.name, ep.value.partition(":")[0], ep.load())]
    if re.match(r"^[A-Za-z_][\w.]*$", target) and importlib.util.find_spec(target.split(".")[0]) is not None:
        return [(target.rsplit(".", 1)[-1], target, importlib.import_module(target))]
    raise TargetNotFound(
        f"{target!r} is neither a plugin folder (with pyproject.toml), a .py file, an installed plugin "
        f"nor an importable module; installed plugins: "
        + ", ".join(sorted(ep.name for ep in entry_points(group=ENTRY_POINT_GROUP)))
    )
