"""User text is text: shown literally, never read as markup, with control characters made visible.

Every string that came from a person or a file goes through :func:`clean` or :func:`literal` before it
reaches a widget. ``rich.text.Text`` is never parsed for markup, so ``[red]x[/red]`` and
``[@click=app.quit]`` show exactly as typed; control characters (``\\x1b[2J``, bell, backspace) are
replaced by visible escapes so nothing reaches the terminal as a command.
"""

from __future__ import annotations

from rich.text import Text

from pep_tui.domain.text import show_control


def clean(value: object, *, newlines: bool = False) -> str:
    """``value`` as a string with control characters shown as ``\\xNN`` (tabs become spaces).

    With ``newlines`` true, line breaks are kept (for multi-line text areas); otherwise they become
    spaces so a one-line cell stays one line.
    """
    text = "" if value is None else str(value)
    text = text.replace("\t", "    ").replace("\r\n", "\n").replace("\r", "\n")
    if not newlines:
        text = text.replace("\n", " ")
    return show_control(text)


def literal(value: object, style: str = "", *, newlines: bool = False) -> Text:
    """A ``Text`` showing ``value`` exactly (no markup), control characters made visible."""
    return Text(clean(value, newlines=newlines), style=style, no_wrap=False)


def join(*parts: Text | str, sep: str = "") -> Text:
    """Join fixed labels (``str``, trusted) and user values (``Text``) into one ``Text``."""
    out = Text()
    for index, part in enumerate(parts):
        if index and sep:
            out.append(sep)
        out.append(part if isinstance(part, Text) else Text(part))
    return out
