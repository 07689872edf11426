"""Settings: documented defaults, the data folder's file, environment overrides, clear errors."""

from __future__ import annotations

from pathlib import Path

import pytest

from pep_tui.settings import SettingsError, load_settings


def test_defaults_follow_the_domain_notes(tmp_path: Path) -> None:
    settings = load_settings(tmp_path)
    policy = settings.policy
    assert settings.data_dir == tmp_path
    assert policy.initial_pep_working_days == 10
    assert policy.qa_scale == "rag"
    assert policy.pp_rates["2025-26"] == 263_000
    assert policy.pp_rates["2018-19"] == 230_000
    assert policy.early_years_start == "age_2"
    assert settings.server.trust_login_flag is False


def test_file_then_environment_then_flags(tmp_path: Path, monkeypatch) -> None:
    (tmp_path / "settings.toml").write_text(
        'backups_kept = 4\n[policy]\nqa_scale = "ggar"\ninitial_pep_working_days = 15\n'
    )
    settings = load_settings(tmp_path)
    assert (settings.backups_kept, settings.policy.qa_scale, settings.policy.initial_pep_working_days) == (4, "ggar", 15)
    monkeypatch.setenv("PEP_TUI_POLICY__QA_SCALE", "rag")
    settings = load_settings(tmp_path)
    assert settings.policy.qa_scale == "rag"
    assert settings.policy.initial_pep_working_days == 15  # the file's other values survive
    assert load_settings(tmp_path, backups_kept=9).backups_kept == 9


def test_data_dir_from_the_environment(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv("PEP_TUI_DATA_DIR", str(tmp_path / "here"))
    assert load_settings().data_dir == tmp_path / "here"


def test_a_bad_value_names_the_file_and_field(tmp_path: Path) -> None:
    (tmp_path / "settings.toml").write_text('[policy]\nqa_scale = "purple"\n')
    with pytest.raises(SettingsError, match="qa_scale"):
        load_settings(tmp_path)
    (tmp_path / "settings.toml").write_text("[policy\n")
    with pytest.raises(SettingsError, match="not valid TOML"):
        load_settings(tmp_path)


def test_server_options_come_only_from_the_data_folder(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv("PEP_TUI_SERVER__TRUST_LOGIN_FLAG", "true")
    assert load_settings(tmp_path).server.trust_login_flag is False
    (tmp_path / "settings.toml").write_text("[server]\ntrust_login_flag = true\n")
    assert load_settings(tmp_path).server.trust_login_flag is True
