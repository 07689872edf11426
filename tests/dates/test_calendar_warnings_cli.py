"""``pep-tui store check`` warns when due dates rest on unchecked bank holidays or default term dates,
and stops once the council has checked them."""

from __future__ import annotations

from datetime import date

from pep_tui.cli import main
from pep_tui.domain import academic_year_label, academic_year_start


def test_store_check_warns_about_the_calendar_until_it_is_configured(make_store, capsys) -> None:
    opened = make_store("live")
    root = opened.settings.data_dir
    (root / "settings.toml").write_text("[policy]\nbank_holidays_trusted_until = 2025\n")
    assert main(["store", "check", "--data-dir", str(root)]) == 0  # warnings, not problems
    out = capsys.readouterr().out
    assert "warning: Bank holidays are checked up to 2025" in out
    assert "warning: Term dates for" in out and "are the default pattern" in out
    # The council checks the bank holidays and sets its term dates for this year and next.
    start = academic_year_start(date.today())
    terms = "".join(
        f'[policy.term_dates."{academic_year_label(y)}"]\n'
        f"autumn = [{y}-09-03, {y}-12-18]\nspring = [{y + 1}-01-06, {y + 1}-03-27]\n"
        f"summer = [{y + 1}-04-14, {y + 1}-07-22]\n"
        for y in (start, start + 1)
    )
    (root / "settings.toml").write_text(f"[policy]\nbank_holidays_trusted_until = {date.today().year + 2}\n{terms}")
    assert main(["store", "check", "--data-dir", str(root)]) == 0
    out = capsys.readouterr().out
    assert "Bank holidays" not in out and "Term dates" not in out
