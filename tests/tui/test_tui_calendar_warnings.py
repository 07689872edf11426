"""The app says at start-up when due dates rest on default term dates or unchecked bank holidays."""

from __future__ import annotations


async def test_the_app_warns_that_term_dates_are_the_default_pattern(make_app):
    app = make_app("vs.head")
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        notes = [(n.title, n.message) for n in app._notifications]
        assert ("Due dates", "Term dates for 2025-26, 2026-27 are the default pattern, not the council's: termly "
                "due dates are estimates (set policy.term_dates).") in notes
        assert not any("Bank holidays" in message for _title, message in notes)  # February 2026: checked years
