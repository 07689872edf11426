"""One definition of a control character for input, screens and documents."""

from __future__ import annotations

from pep_tui.domain.text import drop_control, find_control, show_control


def test_escape_sequences_bell_c1_and_bidi_overrides_are_control_characters() -> None:
    for text in ("a\x1b[2Jb", "a\x07", "\x9b31m", "abc\u202edef", "line\u2028break"):
        assert find_control(text) is not None
    assert find_control("tabs\tand\nline breaks\r\n are text") is None


def test_shown_visibly_or_dropped() -> None:
    assert show_control("x\x1b[2J\u202ey") == "x\\x1b[2J\\u202ey"
    assert show_control("a\nb\tc", one_line=True) == "a\\x0ab\\x09c"
    assert show_control("a\nb") == "a\nb"
    assert drop_control("[red]x[/red]\x1b[2J\x07 done") == "[red]x[/red][2J done"
