"""The analysts' data export reads each child once, streams the files and leaves nothing behind on failure."""

from __future__ import annotations

import csv
import errno
import io
import json
from collections import Counter

import pytest

import pep_tui.services.data_export as data_export
from pep_tui.services import InvalidInput


def test_each_child_is_read_once_and_every_pep_is_exported(cohort, tmp_path, monkeypatch):
    vs = cohort.principal_for("vs.head")
    reads: Counter[str] = Counter()
    real = cohort.store.load_child

    def counting(child_id, *args, **kwargs):
        reads[child_id] += 1
        return real(child_id, *args, **kwargs)

    monkeypatch.setattr(cohort.store, "load_child", counting)
    written = cohort.exports.data(vs, "csv", tmp_path / "csv")
    assert len(reads) == 60 and set(reads.values()) == {1}
    monkeypatch.setattr(cohort.store, "load_child", real)
    peps = list(csv.DictReader(io.StringIO((tmp_path / "csv" / "peps.csv").read_text("utf-8-sig"))))
    expected = sum(len(real(c).peps) for c in reads)
    assert len(peps) == expected and [p.name for p in written][0] == "children.csv"
    [json_path] = cohort.exports.data(vs, "json", tmp_path / "json")
    body = json.loads(json_path.read_text("utf-8"))
    assert sum(len(c["peps"]) for c in body["children"]) == expected
    assert body["exported_by"] == "vs.head" and body["as_of"] == "2026-02-09"


@pytest.mark.parametrize("fmt", ["csv", "json"])
def test_a_failure_part_way_leaves_no_file_and_no_audit_event(cohort, tmp_path, monkeypatch, fmt):
    vs = cohort.principal_for("vs.head")
    writer = data_export.CsvExport if fmt == "csv" else data_export.JsonExport
    real_add = writer.add
    calls = []

    def failing(self, child, peps):
        calls.append(child.id)
        if len(calls) == 10:
            raise OSError(errno.ENOSPC, "No space left on device")
        real_add(self, child, peps)

    monkeypatch.setattr(writer, "add", failing)
    folder = tmp_path / "out"
    with pytest.raises(InvalidInput, match=r"/out: cannot be written \(No space left on device\)"):
        cohort.exports.data(vs, fmt, folder)
    assert list(folder.iterdir()) == []  # no partial file, no temporary left behind
    assert not [e for e in cohort.store.audit.events() if e.action == "export.data"]
