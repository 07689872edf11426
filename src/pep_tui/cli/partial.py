"""Ending a cohort-wide command that left out children whose file does not parse.

Reports, exports, reconciliation and the PP+ queue and ledger go on without an unreadable child
(see :mod:`pep_tui.store.unreadable`); :func:`finish` names each one on stderr (file and child id,
never a name) and turns the exit code into :data:`~pep_tui.cli.exit_codes.PARTIAL`.
"""

from __future__ import annotations

from pep_tui.cli.exit_codes import OK, PARTIAL
from pep_tui.cli.output import error
from pep_tui.store import Store


def finish(store: Store, code: int = OK) -> int:
    """Warn about every child left out of this command and return ``PARTIAL`` if there was any,
    else ``code``. (A partial result outranks "differences found": the differences may be wrong.)"""
    warnings = store.unreadable.warnings()
    for warning in warnings:
        error(f"warning: {warning}")
    if warnings:
        error(f"warning: {len(warnings)} child(ren) left out; the result is incomplete")
        return PARTIAL
    return code
