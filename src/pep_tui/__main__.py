"""``python -m pep_tui`` runs the ``pep-tui`` command."""

import sys

from pep_tui.cli import main

sys.exit(main())
