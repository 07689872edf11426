"""``pep-tui web``: the app in a browser behind the council's signing-in proxy (the ``web`` extra).

Import :mod:`pep_tui.web.server` only when the extra is installed; the rest of pep-tui never needs it.
"""
