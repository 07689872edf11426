"""The operator's log itself: owner-only through rotation, control characters shown, tracebacks
without locals or (by default) messages, and the summary store check prints."""

from __future__ import annotations

import logging
import stat
from pathlib import Path

import pytest

from pep_tui import incidents
from pep_tui.settings import load_settings

CHILD_NAME = "Zebedee Quantock"


@pytest.fixture
def data_dir(tmp_path: Path):
    folder = tmp_path / "data"
    folder.mkdir()
    (folder / "settings.toml").write_text("[log]\nmax_bytes = 10000\nbackups = 2\n")
    handler = incidents.configure_logging(load_settings(folder))
    yield folder
    logging.getLogger(incidents.LOGGER).removeHandler(handler)
    handler.close()


def test_rotated_files_stay_owner_only_and_are_capped(data_dir: Path) -> None:
    log = logging.getLogger("pep_tui.security")
    for n in range(400):
        log.warning("permission denied: user%03d as carer may not export data", n)
    files = sorted((data_dir / "logs").iterdir())
    assert [p.name for p in files] == ["pep-tui.log", "pep-tui.log.1", "pep-tui.log.2"]
    assert {stat.S_IMODE(p.stat().st_mode) for p in files} == {0o600}
    assert stat.S_IMODE((data_dir / "logs").stat().st_mode) == 0o700
    assert all(p.stat().st_size <= 10_000 for p in files)
    assert "user399" in files[0].read_text()


def test_control_characters_in_a_line_are_shown_not_written(data_dir: Path) -> None:
    logging.getLogger("pep_tui.security").warning("refused --login %s", "x\x1b[2J\rforged\u202e")
    text = (data_dir / "logs" / "pep-tui.log").read_text()
    assert "\x1b" not in text and "\r" not in text and "\u202e" not in text
    assert "x\\x1b[2J\\x0dforged\\u202e" in text


def test_a_traceback_has_no_locals_and_withholds_the_message(data_dir: Path) -> None:
    def inner(name: str) -> None:
        secret_local = f"record of {name}"  # noqa: F841 (a local a crash screen would print)
        raise ValueError(f"bad value for {name}")

    try:
        try:
            inner(CHILD_NAME)
        except ValueError as exc:
            raise RuntimeError(f"while saving {CHILD_NAME}") from exc
    except RuntimeError as exc:
        incident = incidents.record_incident(exc, where="a test")
    text = (data_dir / "logs" / "pep-tui.log").read_text()
    assert incident.log_file == data_dir / "logs" / "pep-tui.log"
    assert f"incident {incident.id} in a test" in text
    assert text.count("Traceback (most recent call last)") == 2 and "which led to:" in text
    assert 'raise ValueError(f"bad value for {name}")' in text  # the source line, not its values
    assert "ValueError (message withheld" in text and "RuntimeError (message withheld" in text
    assert "Zebedee" not in text and "record of" not in text.replace('f"record of {name}"', "")
    summary = incidents.log_summary(data_dir)
    assert summary.last_incident == incident.id and summary.files == 1 and summary.size_bytes > 0
    assert summary.line().endswith(f"last incident {incident.id} (UTC {summary.last_incident_at})")


def test_a_data_folder_that_has_gone_is_not_made_again(tmp_path: Path) -> None:
    gone = tmp_path / "gone"
    gone.mkdir()
    handler = incidents.configure_logging(folder=incidents.log_dir(gone))
    gone.rmdir()
    try:
        incident = incidents.record_incident(RuntimeError("x"), where="a test")
    finally:
        logging.getLogger(incidents.LOGGER).removeHandler(handler)
        handler.close()
    assert not gone.exists()
    assert incident.log_file is None
    assert incident.line() == (f"pep-tui hit an internal error; incident {incident.id} could not be logged "
                               f"({gone / 'logs'} is not writable); tell your administrator")


def test_an_incident_never_reaches_a_console_handler_set_up_by_someone_else(data_dir: Path) -> None:
    import io

    console = io.StringIO()
    handler = logging.StreamHandler(console)
    logging.getLogger().addHandler(handler)
    try:
        incident = incidents.record_incident(RuntimeError(CHILD_NAME), where="a test")
    finally:
        logging.getLogger().removeHandler(handler)
    assert console.getvalue() == ""
    assert f"incident {incident.id}" in (data_dir / "logs" / "pep-tui.log").read_text()
