"""The Textual app. Nothing here is imported by the core: ``pep_tui.tui.app.run_app`` is the entry point,
and Textual itself is imported only when the app starts."""
