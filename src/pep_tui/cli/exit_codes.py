"""The exit codes of ``pep-tui``, one meaning each, so a script can tell a crash from a finding.

=====  ==========================================================================
code   meaning
=====  ==========================================================================
0      success
1      completed, with differences or rejected rows (import, reconcile, check)
2      the user's error (a bad argument, a refused permission, a bad setting)
3      partial: the command finished for every child it could read and named the others
70     internal error; the traceback was written to the log with an incident id
=====  ==========================================================================
"""

from __future__ import annotations

OK = 0
DIFFERENCES = 1
USER_ERROR = 2
PARTIAL = 3
INTERNAL_ERROR = 70
