"""An item's identifier (a target's ``id``) or a link (``carried_from``): never shown or typed; kept as
stored, and an ``id`` made for a new item.

Other records point at it (a Pupil Premium Plus request names the target it funds; next term's review
names the target it reviews), so an existing id is never changed.
"""

from __future__ import annotations

from typing import Any

from pep_tui.domain.ids import new_id
from pep_tui.tui.forms import FieldInfo
from pep_tui.tui.widgets.field_editors import Editor, Problems


class IdEditor(Editor):
    """Holds the identifier of the item it belongs to; takes no space on screen."""

    DEFAULT_CSS = "IdEditor { display: none; }"

    #: the prefix of a new identifier when the model does not make one (targets' ids start ``t_``)
    PREFIX = "t"

    def __init__(self, info: FieldInfo, value: Any) -> None:
        super().__init__(info)
        if (isinstance(value, str) and value) or info.name != "id":
            self.value = value  # a link (``carried_from``) stays as stored, empty included
        else:
            make = info.default_factory
            self.value = make() if callable(make) else new_id(self.PREFIX)

    def collect(self, problems: Problems) -> Any:
        return self.value

    def snapshot(self) -> Any:
        return self.value

    def restore(self, raw: Any) -> None:
        if isinstance(raw, str) and raw:
            self.value = raw

    def focus_input(self, scroll_visible: bool = True) -> None:
        """Nothing to focus: the next field takes it."""
