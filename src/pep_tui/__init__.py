"""pep-tui: Personal Education Plans and Pupil Premium Plus for looked-after children.

Importing this package is cheap: it does not import Textual, TinyDB or the plugins.
"""

from __future__ import annotations

__version__ = "0.1.0"

#: The version of the plugin API this release of pep-tui implements (see docs/plugins/).
PLUGIN_API_VERSION = "1.2"

__all__ = ["PLUGIN_API_VERSION", "__version__"]
