"""Where a plugin's code failed: the file and line for a one-line report, the traceback for strict mode
and ``pep-tui plugins check``."""

from __future__ import annotations

import traceback

#: pep-tui's own plugin-loading files: never "where the plugin failed".
_OWN_FILES = ("/pep_tui/plugins/manager.py", "/pep_tui/plugins/registry.py")


def where_raised(exc: BaseException) -> str:
    """``file.py, line 12``: the innermost frame of ``exc``'s traceback that is not Python's import
    machinery or pluggy, which is where the plugin's own code failed."""
    frames = traceback.extract_tb(exc.__traceback__)
    if isinstance(exc, SyntaxError) and exc.filename:
        return f"{exc.filename}, line {exc.lineno}"
    useful = [f for f in frames if not f.filename.startswith("<") and not f.filename.endswith(_OWN_FILES)
              and not any(part in f.filename for part in ("/importlib/", "/pluggy/"))]
    if not useful:
        return ""  # nothing of the plugin's own ran (its module is not installed, say)
    last = useful[-1]
    return f"{last.filename}, line {last.lineno}"


def at_location(exc: BaseException) -> str:
    """`` (file.py, line 12)`` for a failure message, or nothing when no plugin code is involved."""
    where = where_raised(exc)
    return f" ({where})" if where else ""


def format_failure(exc: BaseException) -> str:
    """The whole traceback of ``exc``, as Python prints it."""
    return "".join(traceback.format_exception(type(exc), exc, exc.__traceback__))
