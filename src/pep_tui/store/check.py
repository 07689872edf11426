"""``pep-tui store check``: read every file of a store and report what is wrong, changing nothing
except finishing changes a crash interrupted (the same repair any save would do).

``pep-tui store check --repair`` also makes every repair that loses nothing, and lists each: it
removes temp files left by killed writes (see :mod:`pep_tui.store.leftovers`), rebuilds an index that
disagrees with the child files (derived data) and takes group/other permissions off the data folder.
An unreadable child file is never "repaired": it is named, with its remedy
(``pep-tui store restore --child ID``).
"""

from __future__ import annotations

import os
import stat
from collections import Counter
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from pep_tui.store.errors import NotFound, StoreCorrupt
from pep_tui.store.files import CorruptFile, read_json_lines
from pep_tui.store.index import IndexMissing
from pep_tui.store.layout import RESTORE_MARKER, SCHEMA_VERSION

if TYPE_CHECKING:
    from pep_tui.store.repository import Store


@dataclass
class CheckReport:
    """The findings of a check: ``problems`` need action; ``warnings`` are worth knowing."""

    problems: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    children: int = 0
    peps: int = 0
    events: int = 0
    #: Changes interrupted by a crash that the check finished (partitions: child ids, "staff", …).
    repaired: list[str] = field(default_factory=list)
    #: Children whose file does not parse (child id -> the reason).
    unreadable: dict[str, str] = field(default_factory=dict)
    #: Temp files left by killed writes that are still there (see :mod:`pep_tui.store.leftovers`).
    leftovers: list[str] = field(default_factory=list)
    #: Repairs made by ``--repair`` (each one line).
    fixed: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        """No problems."""
        return not self.problems


def _check_modes(store: Store, report: CheckReport) -> None:
    loose = []
    for folder, dirs, files in os.walk(store.root):
        if os.path.basename(folder) == "backups":
            dirs[:] = []  # snapshots are checked when restored
        for name in [folder, *(os.path.join(folder, f) for f in files)]:
            mode = stat.S_IMODE(os.lstat(name).st_mode)
            if mode & 0o077:
                loose.append(f"{name} ({mode:o})")
    if loose:
        report.warnings.append(f"{len(loose)} file(s) readable by others than the owner, e.g. {loose[0]}; "
                               f"run: chmod -R go-rwx {store.root}")


def check_store(store: Store, modes: bool = True, repair: bool = False) -> CheckReport:
    """Check every file: store, staff, each child and PEP, audit trails, plugin documents, the index,
    leftover temp files and permissions. ``repair`` makes the repairs that lose nothing (see the module
    docstring) and lists them in ``fixed``; the report then describes the store after them."""
    if repair:
        at_open = _tidied_at_open(store)
        fixed = _repair(store, modes)
        report = check_store(store, modes)
        report.fixed = at_open + fixed
        return report
    report = CheckReport()
    if (store.root / RESTORE_MARKER).exists():
        report.problems.append("a restore did not finish; run 'pep-tui store restore --resume'")
        return report
    if store.meta.get("schema") != SCHEMA_VERSION:
        report.problems.append(f"store.json has schema {store.meta.get('schema')}, expected {SCHEMA_VERSION}")
    try:
        report.repaired = store.repair_pending()
        store.summaries()  # refreshes the index if the term changed since it was built
    except StoreCorrupt as exc:
        report.problems.append(str(exc))
    try:
        store.staff.read()
    except (CorruptFile, ValueError) as exc:
        report.problems.append(f"{store.staff.path} does not read ({type(exc).__name__})")
    fresh: dict[str, tuple[dict, dict]] = {}
    for path in sorted(store.children_dir.glob("*.json")):
        try:
            record = store.load_child(path.stem)
        except StoreCorrupt as exc:
            report.unreadable[path.stem] = exc.reason
            report.problems.append(
                f"{path} (child {path.stem}) is unreadable: {exc.reason}. It has not been changed; the other "
                f"children are used without it; restore it with 'pep-tui store restore --child {path.stem}'")
            continue
        except NotFound:
            report.warnings.append(f"{path} is not a child's file name (ignored)")
            continue
        if record.child.id != path.stem:
            report.problems.append(f"{path} holds the child {record.child.id}")
            continue
        report.children += 1
        report.peps += len(record.peps)
        if len({p.id for p in record.peps}) != len(record.peps):
            report.problems.append(f"{path} holds the same PEP twice")
        fresh[record.child.id] = store.summarise(record.child, record.peps)
        _check_audit(store, record.child.id, report)
    _check_audit(store, None, report)
    _check_documents(store, report)
    _check_index(store, fresh, report)
    _check_leftovers(store, report)
    if modes:
        _check_modes(store, report)
    return report


def _check_documents(store: Store, report: CheckReport) -> None:
    """Every feature plugin's document reads (see :mod:`pep_tui.store.plugin_documents`)."""
    from pep_tui.store.plugin_documents import FOLDER, PluginDocuments

    folder = store.root / FOLDER
    if not folder.is_dir():
        return
    for namespace in sorted(p for p in folder.iterdir() if p.is_dir()):
        try:
            documents = PluginDocuments(store, namespace.name)
        except ValueError:
            report.warnings.append(f"{namespace} is not a plugin's folder (ignored)")
            continue
        for name in documents.names():
            try:
                documents.read(name)
            except StoreCorrupt as exc:
                report.problems.append(str(exc))
            except NotFound:
                report.warnings.append(f"{namespace / name}.json is not a plugin document's name (ignored)")


def _check_audit(store: Store, child_id: str | None, report: CheckReport) -> None:
    path = store.audit.path_for(child_id)
    try:
        values, end, skipped = read_json_lines(path)
    except FileNotFoundError:
        return
    if skipped or end != path.stat().st_size:
        report.warnings.append(f"{path}: a line torn by a crash is ignored (harmless)")
    ids = Counter(v.get("id") for v in values if isinstance(v, dict) and v.get("id"))
    changes = Counter((v.get("pep_id"), v.get("new_revision")) for v in values
                      if isinstance(v, dict) and v.get("child_id") and v.get("new_revision") is not None
                      and v.get("action") not in ("sample.create", "child.import"))
    twice = [k for k, n in ids.items() if n > 1] + [k for k, n in changes.items() if n > 1]
    if twice:
        report.problems.append(f"{path}: {len(twice)} change(s) recorded more than once")
    report.events += len(values)


def _check_index(store: Store, fresh: dict[str, tuple[dict, dict]], report: CheckReport) -> None:
    """Both indexes (the list and the facts, see :mod:`pep_tui.store.summaries`) match the child files."""
    for part, index, what in ((0, store.index, "the index"), (1, store.facts_index, "the facts index")):
        try:
            state = index.read()
        except IndexMissing:
            if part == 1:
                report.warnings.append("the facts index is missing; it is rebuilt when a report next needs it "
                                       "(or by 'pep-tui store reindex')")
            else:
                report.problems.append("the index is missing; run 'pep-tui store reindex'")
            continue
        except CorruptFile as exc:
            report.problems.append(f"{exc.path} does not read; run 'pep-tui store reindex'")
            continue
        indexed = set(state.summaries) - set(report.unreadable)  # named above, not "no file"
        missing, extra = set(fresh) - indexed, indexed - set(fresh)
        if missing or extra:
            report.problems.append(f"{what} lists {len(extra)} child(ren) with no file and misses {len(missing)}; "
                                   f"run 'pep-tui store reindex'")
        behind = [cid for cid in fresh.keys() & indexed if state.summaries[cid] != fresh[cid][part]]
        if behind:
            report.warnings.append(f"{len(behind)} entr(ies) of {what} differ from a fresh summary (dates move "
                                   f"on; 'pep-tui store reindex' refreshes them)")
        if state.skipped_lines:
            report.warnings.append(f"{state.skipped_lines} journal line(s) of {what} torn by a crash are ignored "
                                   f"(harmless)")


def _check_leftovers(store: Store, report: CheckReport) -> None:
    """Temp files of killed writes: those removed when the store opened, and any still there."""
    from pep_tui.store.leftovers import find_leftovers

    root = store.root
    report.fixed += _tidied_at_open(store)
    report.leftovers = [str(p.relative_to(root)) for p in find_leftovers(root)]
    if report.leftovers:
        report.warnings.append(
            f"{len(report.leftovers)} temp file(s) left by killed writes ({', '.join(report.leftovers[:3])}"
            f"{'…' if len(report.leftovers) > 3 else ''}); they may hold copies of records: remove them with "
            f"'pep-tui store check --repair'")


def _tidied_at_open(store: Store) -> list[str]:
    """The temp files removed when the store opened, as repairs (reported once)."""
    lines = [f"removed {p.relative_to(store.root)} (a temp file left by a killed write, when the store opened)"
             for p in store.tidied_at_open]
    store.tidied_at_open = []
    return lines


def _repair(store: Store, modes: bool) -> list[str]:
    """Make the repairs that lose nothing; one line per repair made."""
    from pep_tui.store.leftovers import remove_leftovers

    fixed: list[str] = []
    root = store.root
    fixed += [f"removed {p.relative_to(root)} (a temp file left by a killed write)"
              for p in remove_leftovers(store) or []]
    before = check_store(store, modes)
    if any("reindex" in problem for problem in before.problems):
        count = store.reindex()
        fixed.append(f"rebuilt the index from the child files ({count} children)")
    if modes and any("readable by others" in warning for warning in before.warnings):
        changed = _tighten_modes(store)
        fixed.append(f"took group and other permissions off {changed} file(s) and folder(s)")
    return fixed


def _tighten_modes(store: Store) -> int:
    changed = 0
    for folder, dirs, files in os.walk(store.root):
        if os.path.basename(folder) == "backups":
            dirs[:] = []
        for name in [folder, *(os.path.join(folder, f) for f in files)]:
            st = os.lstat(name)
            if stat.S_ISLNK(st.st_mode):
                continue
            mode = stat.S_IMODE(st.st_mode)
            if mode & 0o077:
                os.chmod(name, mode & 0o700)
                changed += 1
    return changed
