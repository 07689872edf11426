"""The data export as one file, for staff who fetch it over SSH: the four CSV tables in a zip, or the
JSON document. Written child by child into a private scratch folder (memory stays flat as the cohort
grows), then packed; the caller streams the result or moves it into the outbox.
"""

from __future__ import annotations

import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import IO

from pep_tui.services.principal import Principal

CHUNK = 1 << 20


def archive_name(fmt: str, day: str) -> str:
    """The file name of a data export made on ``day`` (``pep-data-2026-12-07.zip`` or ``.json``)."""
    return f"pep-data-{day}.{'zip' if fmt == 'csv' else 'json'}"


def build_archive(services, principal: Principal, fmt: str, scratch: Path,
                  progress: Callable[[str, int, int], None] | None = None) -> Path:
    """Export the data the principal may see into ``scratch`` and return the one file to hand over.

    Permission-checked and audited by the export service (``export.data``).
    """
    tables = scratch / "tables"
    tables.mkdir(mode=0o700)
    written = services.exports.data(principal, fmt, tables, progress=progress)
    name = archive_name(fmt, services.ctx.today().isoformat())
    target = scratch / name
    if fmt == "json":
        written[0].replace(target)
        return target
    with zipfile.ZipFile(target, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=1) as archive:
        for path in written:
            archive.write(path, arcname=path.name)
            path.unlink()
    return target


def copy_stream(path: Path, out: IO[bytes]) -> int:
    """Copy a file to a binary stream in chunks; the bytes copied."""
    total = 0
    with path.open("rb") as fh:
        while chunk := fh.read(CHUNK):
            out.write(chunk)
            total += len(chunk)
    out.flush()
    return total
