"""Where a plugin's code failed: the file and line for a one-line report, the traceback for strict mode
and ``pep-tui plugins check``."""

from __future__ import annotations

import inspect
import os
import traceback
from collections.abc import Callable
from typing import Any

#: pep-tui's own plugin-loading files: never "where the plugin failed".
_OWN_FILES = ("/pep_tui/plugins/manager.py", "/pep_tui/plugins/registry.py")


def where_raised(exc: BaseException, plugin_code: Callable[..., Any] | None = None) -> str:
    """``file.py, line 12``: where the plugin's own code failed.

    With ``plugin_code`` (the hook, predicate or generator that was called), the innermost frame in
    that function's folder (the plugin's package), so an error raised deep inside a library is traced
    to the plugin line that called it. Otherwise, or when no frame is there, the innermost frame that
    is not Python's import machinery, pluggy or pep-tui's plugin loading.
    """
    if isinstance(exc, SyntaxError) and exc.filename:
        return f"{exc.filename}, line {exc.lineno}"
    frames = traceback.extract_tb(exc.__traceback__)
    code = getattr(inspect.unwrap(plugin_code), "__code__", None) if plugin_code is not None else None
    if code is not None:
        folder = os.path.dirname(code.co_filename) + os.sep
        mine = [f for f in frames if f.filename.startswith(folder)]
        if mine:
            return f"{mine[-1].filename}, line {mine[-1].lineno}"
    useful = [f for f in frames if not f.filename.startswith("<") and not f.filename.endswith(_OWN_FILES)
              and not any(part in f.filename for part in ("/importlib/", "/pluggy/"))]
    if not useful:
        return ""  # nothing of the plugin's own ran (its module is not installed, say)
    last = useful[-1]
    return f"{last.filename}, line {last.lineno}"


def at_location(exc: BaseException, plugin_code: Callable[..., Any] | None = None) -> str:
    """`` (file.py, line 12)`` for a failure message, or nothing when no plugin code is involved."""
    where = where_raised(exc, plugin_code)
    return f" ({where})" if where else ""


def format_failure(exc: BaseException) -> str:
    """The whole traceback of ``exc``, as Python prints it."""
    return "".join(traceback.format_exception(type(exc), exc, exc.__traceback__))
