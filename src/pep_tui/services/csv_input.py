"""Reading CSV files exported by other systems: encodings, byte-order marks, headers and line numbers.

Other systems write UTF-8 with or without a byte-order mark, UTF-16 (Excel's "Unicode text") or
Windows-1252. A file that is not what it claims is refused with the line and byte at fault, never
guessed at, so that a name is never silently mangled.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

#: ``progress(phase, done, total)``: called while reading, checking and applying a large file.
Progress = Callable[[str, int, int], None]


class ImportFileError(ValueError):
    """The file as a whole cannot be read (encoding, no header, missing columns). Nothing was changed."""


@dataclass(frozen=True)
class RowProblem:
    """A rejected row: its line number in the file and why, in words the user can act on."""

    line: int
    message: str

    def __str__(self) -> str:
        return f"line {self.line}: {self.message}"


@dataclass
class CsvTable:
    """A parsed CSV: upper-cased header names and rows keyed by them, each with its first line number."""

    source: str
    headers: list[str]
    rows: list[tuple[int, dict[str, str]]]
    encoding: str
    had_bom: bool = False
    problems: list[RowProblem] = field(default_factory=list)

    def unused_columns(self, known: set[str]) -> list[str]:
        """Header names the importer does not use (reported, never an error)."""
        return [h for h in self.headers if h and h not in known]


def decode(data: bytes, source: str, encoding: str | None = None) -> tuple[str, str, bool]:
    """``(text, encoding used, had a byte-order mark)``; :class:`ImportFileError` saying what is wrong."""
    if b"\x00" in data[:4096] and not data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise ImportFileError(f"{source} is not a text file (it contains NUL bytes); save it as CSV, not .xlsx")
    if data.startswith(b"\xef\xbb\xbf"):
        data, bom, chosen = data[3:], True, "utf-8"
    elif data.startswith((b"\xff\xfe", b"\xfe\xff")):
        bom, chosen = True, "utf-16"
    else:
        bom, chosen = False, (encoding or "utf-8")
    try:
        text = data.decode(chosen)
    except LookupError:
        raise ImportFileError(f"unknown encoding {chosen!r}; try utf-8 or cp1252") from None
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        byte = data[exc.start]
        hint = ("save it as 'CSV UTF-8' from your spreadsheet, or give its encoding (e.g. --encoding cp1252 "
                "for a file from Excel on Windows)")
        raise ImportFileError(
            f"{source}: line {line} is not valid {chosen.upper()} text (byte 0x{byte:02X}); {hint}. "
            f"Nothing was imported"
        ) from None
    return text, chosen, bom


_HEADER_CLEAN = re.compile(r"[^A-Z0-9_]+")


def normalise_header(name: str) -> str:
    """``" Date of birth "`` → ``"DATE_OF_BIRTH"``; a stray byte-order mark is dropped."""
    return _HEADER_CLEAN.sub("_", name.replace("\ufeff", "").strip().upper()).strip("_")


def read_csv(
    data: bytes, source: str, encoding: str | None = None, progress: Progress | None = None
) -> CsvTable:
    """Parse CSV bytes. Rows with more values than the header are recorded as problems, not rows."""
    text, used, bom = decode(data, source, encoding)
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = next(reader)
    except StopIteration:
        raise ImportFileError(f"{source} is empty; expected a header row and data rows") from None
    except csv.Error as exc:
        raise ImportFileError(f"{source}: line 1 cannot be read as CSV ({exc})") from None
    headers = [normalise_header(h) for h in header]
    if not any(headers):
        raise ImportFileError(f"{source}: line 1 should be a header row naming the columns")
    dupes = sorted({h for h in headers if h and headers.count(h) > 1})
    if dupes:
        raise ImportFileError(f"{source}: the header names {', '.join(dupes)} more than once")
    table = CsvTable(source, headers, [], used, bom)
    total = max(text.count("\n"), 1)
    last_line = reader.line_num
    try:
        for cells in reader:
            line = last_line + 1
            last_line = reader.line_num
            if not cells or not any(c.strip() for c in cells):
                continue
            if len(cells) > len(headers) and any(c.strip() for c in cells[len(headers):]):
                table.problems.append(RowProblem(
                    line, f"{len(cells)} values but the header has {len(headers)} columns (a stray comma?)"))
                continue
            padded = cells + [""] * (len(headers) - len(cells))
            table.rows.append((line, {h: v.strip() for h, v in zip(headers, padded, strict=False) if h}))
            if progress is not None and len(table.rows) % 500 == 0:
                progress("reading", last_line, total)
    except csv.Error as exc:
        raise ImportFileError(f"{source}: line {reader.line_num + 1} cannot be read as CSV ({exc})") from None
    if progress is not None:
        progress("reading", total, total)
    return table


def read_csv_file(path: Path | str, encoding: str | None = None, progress: Progress | None = None) -> CsvTable:
    """Read a CSV file from disk (see :func:`read_csv`)."""
    path = Path(path)
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise ImportFileError(f"no file {path}") from None
    except IsADirectoryError:
        raise ImportFileError(f"{path} is a folder; give the CSV file") from None
    return read_csv(data, path.name, encoding, progress)


_ISO = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_UK = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4})$")


def parse_date(column: str, value: str) -> date:
    """A date written DD/MM/YYYY (as in the SSDA903) or YYYY-MM-DD; ``ValueError`` saying what is wrong."""
    try:
        if _ISO.match(value):
            return date.fromisoformat(value)
        match = _UK.match(value)
        if match:
            day, month, year = (int(g) for g in match.groups())
            return date(year, month, day)
    except ValueError:
        raise ValueError(f"{column} {value!r} is not a real date") from None
    raise ValueError(f"{column} {value!r} is not a date; expected DD/MM/YYYY (or YYYY-MM-DD)")


def find_column(headers: list[str], *names: str) -> str | None:
    """The first of ``names`` present in ``headers``."""
    return next((n for n in names if n in headers), None)
