"""Reference data shipped with pep-tui: LA codes, attendance codes, policy defaults, name lists.

Files here are read with :func:`importlib.resources.files`; this package has no code of its own.
"""
