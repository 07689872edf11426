"""Alternative provision for pep-tui: a third-party plugin, built as the plugin author's guide shows.

Children of compulsory school age who are not on a school roll are usually educated in alternative
provision arranged by the council. This plugin adds two PEP sections for them (the placement, and
progress towards a return to school), two checks, a Virtual School view of every such child, and
fictional sample data for the training cohort.
"""

__version__ = "1.0.0"
