"""A misspelt setting is refused, never ignored; every settings error is one line naming where, the
key, the value and what is expected (no pydantic URL)."""

from __future__ import annotations

from pathlib import Path

import pytest

from pep_tui.cli import main
from pep_tui.settings import SettingsError, load_settings


def _error(folder: Path, text: str) -> str:
    folder.mkdir(exist_ok=True)
    (folder / "settings.toml").write_text(text)
    with pytest.raises(SettingsError) as caught:
        load_settings(folder)
    message = str(caught.value)
    assert "\n" not in message and "pydantic" not in message and "https://" not in message
    return message


@pytest.mark.parametrize(("text", "expected"), [
    ('[policy]\nqa_scal = "ggar"\n', "settings.toml: [policy] qa_scal: unknown setting 'qa_scal' (did you mean 'qa_scale'?)"),
    ("backup_kept = 3\n", "settings.toml: backup_kept: unknown setting 'backup_kept' (did you mean 'backups_kept'?)"),
    ("[server]\ntrust_login = true\n", "settings.toml: [server] trust_login: unknown setting 'trust_login' "
                                       "(did you mean 'trust_login_flag'?)"),
    ("[polcy]\nqa_scale = \"rag\"\n", "settings.toml: polcy: unknown setting 'polcy' (did you mean 'policy'?)"),
    ("[log]\nmax_size = 5\n", "settings.toml: [log] max_size: unknown setting 'max_size'"),
])
def test_unknown_keys_are_refused_naming_the_key_and_the_file(tmp_path: Path, text: str, expected: str) -> None:
    message = _error(tmp_path / "data", text)
    assert message.startswith(str(tmp_path / "data" / "settings.toml"))
    assert expected in message


@pytest.mark.parametrize(("text", "expected"), [
    ('[policy]\nqa_scale = "gold"\n', "[policy] qa_scale = 'gold': Input should be 'rag' or 'ggar'"),
    ("backups_kept = 0\n", "backups_kept = 0: Input should be greater than or equal to 1"),
    ('[policy]\nbank_holidays = ["2025-13-01"]\n', "[policy] bank_holidays[0] = '2025-13-01': Input should be a valid date"),
    ('[policy]\nsignoff_chain = ["approve"]\n', "[policy] signoff_chain = ['approve']: signoff_chain must include submit"),
    ("[server]\ntrust_login_flag = \"perhaps\"\n", "[server] trust_login_flag = 'perhaps': Input should be a valid boolean"),
])
def test_bad_values_are_one_line_with_key_value_and_what_is_expected(tmp_path: Path, text: str, expected: str) -> None:
    message = _error(tmp_path / "data", text)
    assert expected in message
    assert message.startswith(f"{tmp_path / 'data' / 'settings.toml'}: ")


def test_environment_variables_are_named_as_such(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PEP_TUI_POLICY__QA_SCALE", "purple")
    with pytest.raises(SettingsError, match=r"^environment variable PEP_TUI_POLICY__QA_SCALE = 'purple': "
                                            r"Input should be 'rag' or 'ggar'$"):
        load_settings(tmp_path)
    monkeypatch.delenv("PEP_TUI_POLICY__QA_SCALE")
    monkeypatch.setenv("PEP_TUI_POLICY__QA_SCAL", "ggar")
    with pytest.raises(SettingsError, match=r"^environment variable PEP_TUI_POLICY__QA_SCAL: unknown setting"):
        load_settings(tmp_path)


def test_the_command_line_prints_the_one_line_and_exits_2(tmp_path: Path, capsys) -> None:
    folder = tmp_path / "data"
    folder.mkdir()
    (folder / "settings.toml").write_text('[policy]\nqa_scal = "ggar"\n')
    assert main(["--data-dir", str(folder), "staff", "list"]) == 2
    err = capsys.readouterr().err
    assert err == (f"pep-tui: {folder / 'settings.toml'}: [policy] qa_scal: unknown setting 'qa_scal' "
                   f"(did you mean 'qa_scale'?)\n")


def test_the_log_settings_are_read(tmp_path: Path) -> None:
    (tmp_path / "settings.toml").write_text("[log]\nmax_bytes = 200000\nbackups = 3\nerror_messages = true\n")
    log = load_settings(tmp_path).log
    assert (log.max_bytes, log.backups, log.error_messages) == (200_000, 3, True)
