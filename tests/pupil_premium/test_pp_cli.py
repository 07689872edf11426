"""``pep-tui pp`` on a training sandbox: the sandbox's date and sample logins, as the demo; text from
the records never reaches the terminal as control characters."""

from __future__ import annotations

from pep_tui.cli import main
from pep_tui.domain import PEPStatus, SectionData
from pep_tui_plugins.pupil_premium.models import REQUESTS_SECTION


def test_the_queue_and_ledger_work_in_a_sandbox_as_the_sample_virtual_school(cohort, pp, as_login, capsys):
    folder = str(cohort.ctx.settings.data_dir)
    expected = pp.queue(as_login("vs.head"))
    assert main(["pp", "queue", "--data-dir", folder]) == 0
    out = capsys.readouterr().out
    assert all(v.request.id in out for v in expected)
    assert main(["pp", "ledger", "--data-dir", folder, "--by", "child"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("Financial year 2025-26")  # the sandbox's year, whatever today is
    assert main(["pp", "queue", "--data-dir", folder, "--login", "dt.larkspur"]) != 0
    assert "may not" in capsys.readouterr().err


def test_control_characters_in_stored_text_are_shown_escaped(cohort, pp, setup, as_login, capsys):
    child_id, pep, targets = setup.editable_pep_for("dt.larkspur")
    saved, _ = pp.add_request(as_login("dt.larkspur"), child_id, pep.id, setup.request_data(targets), pep.revision)
    requests = saved.section(REQUESTS_SECTION)  # input refuses control characters: plant one in stored data
    requests["requests"][-1]["intervention"] = "Tuition \x1b[2J"
    planted = saved.model_copy(update={"sections": {**saved.sections, REQUESTS_SECTION: SectionData(data=requests)}})
    cohort.store.save_pep(planted, saved.revision, "test", "virtual_school")
    setup.set_status(child_id, pep.id, PEPStatus.SUBMITTED)
    assert main(["pp", "queue", "--data-dir", str(cohort.ctx.settings.data_dir)]) == 0
    out = capsys.readouterr().out
    assert "\x1b" not in out and "Tuition \\x1b[2J" in out
