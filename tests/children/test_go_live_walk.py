"""The "Going live" walk of docs/operations.md, command by command: from ``pep-tui init`` to every role
seeing exactly its own children, by the import path and by hand, with no Python in between."""

from __future__ import annotations

import json
from datetime import date, timedelta
from pathlib import Path

import pytest

from pep_tui.cli import main
from pep_tui.cli.exit_codes import OK, USER_ERROR

UPN = "P207000016049"


@pytest.fixture
def pep(tmp_path: Path, capsys):
    """``pep(login, *args)`` runs ``pep-tui --data-dir DATA --login LOGIN *args`` and returns ``(code, out)``."""
    data = tmp_path / "data"

    def run(login: str | None, *args: str) -> tuple[int, str]:
        capsys.readouterr()
        code = main(["--data-dir", str(data), *(["--login", login] if login else []), *args])
        captured = capsys.readouterr()
        return code, captured.out + captured.err

    run.data = data  # type: ignore[attr-defined]
    return run


def _ids(pep, login: str) -> set[str]:
    code, out = pep(login, "children", "list", "--json")
    assert code == OK, out
    return {c["la_child_id"] for c in json.loads(out)}


def test_the_going_live_walk(pep, tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setattr("pep_tui.services.identity.os_login", lambda: "peptui")  # the service account
    # 1. the store, and the forced-command login trusted (docs/operations.md, multi-user deployment)
    code, out = pep(None, "init", "--admin", "vs.head", "--name", "Val Headley")
    assert code == OK, out
    (pep.data / "settings.toml").write_text("[server]\ntrust_login_flag = true\n")
    # 2. staff, each with the role that makes their list
    for login, role, extra in (("sw.ann", "social_worker", []), ("carer.cat", "carer", []),
                               ("dt.one", "designated_teacher", ["--school", "100001"]),
                               ("dt.two", "designated_teacher", ["--school", "100002"]),
                               ("iro.ivy", "iro", []), ("parent.pam", "parent", [])):
        code, out = pep("vs.head", "staff", "add", login, "--name", login, "--as", role, *extra)
        assert code == OK, out
    # 3a. the import path: the council's extract with the allocation columns
    extract = tmp_path / "extract.csv"
    extract.write_text("CHILD,FORENAME,SURNAME,DOB,UPN,SCHOOL_URN,SW_LOGIN,CARER_LOGINS,IRO_LOGIN\n"
                       f"LA1,Ada,Quillfeather,14/03/2015,{UPN},100001,sw.ann,carer.cat,iro.ivy\n")
    code, out = pep("vs.head", "import", "cohort", str(extract))
    assert code == OK and "added 1" in out, out
    # 3b. the by-hand path
    code, out = pep("vs.head", "children", "add", "--first-name", "Bo", "--last-name", "Marrowby",
                    "--dob", "2012-05-02", "--la-id", "LA2", "--entered-care", "2025-09-01")
    assert code == OK, out
    code, out = pep("vs.head", "children", "allocate", "LA2", "--social-worker", "sw.ann", "--iro", "iro.ivy",
                    "--school", "100002", "--from", "2025-09-01")
    assert code == OK, out
    code, out = pep("sw.ann", "children", "grant-family", "LA2", "parent.pam")  # the social worker decides
    assert code == OK, out
    code, out = pep("vs.head", "staff", "add", "yp.ada", "--name", "Ada", "--as", "child", "--child", UPN)
    assert code == OK, out
    # 4. every role sees exactly its children
    assert _ids(pep, "vs.head") == {"LA1", "LA2"}
    assert _ids(pep, "sw.ann") == {"LA1", "LA2"}
    assert _ids(pep, "carer.cat") == {"LA1"}
    assert _ids(pep, "dt.one") == {"LA1"} and _ids(pep, "dt.two") == {"LA2"}
    assert _ids(pep, "iro.ivy") == {"LA1", "LA2"}
    assert _ids(pep, "parent.pam") == {"LA2"}
    assert _ids(pep, "yp.ada") == {"LA1"}

    # the documented JSON fields
    code, out = pep("vs.head", "children", "find", "quillfeather", "--json")
    [ada] = json.loads(out)
    assert {"id", "name", "upn", "la_child_id", "date_of_birth", "year_group", "school_urn", "social_worker",
            "carers", "iro", "status"} <= set(ada)
    assert (ada["upn"], ada["carers"], ada["status"], ada["school_urn"]) == (UPN, ["carer.cat"], "open", "100001")

    # a school move, a placement move and leaving care, from the CLI; CHILD by UPN and LA id
    today = date.today()
    code, out = pep("sw.ann", "children", "move-school", UPN, "100002", "--date", today.isoformat())
    assert code == OK and "school move recorded" in out, out
    assert _ids(pep, "dt.two") == {"LA1", "LA2"} and _ids(pep, "dt.one") == set()
    code, out = pep("sw.ann", "children", "move-placement", "LA2", "--date", today.isoformat(),
                    "--carer", "carer.cat")
    assert code == OK, out
    assert _ids(pep, "carer.cat") == {"LA1", "LA2"}
    code, out = pep("dt.two", "children", "allocate", "LA2", "--carer", "-")  # a DT changes no allocation
    assert code == USER_ERROR and "may not edit a child's record" in out
    code, out = pep("sw.ann", "children", "close", "LA1", "--date", today.isoformat(), "--reason", "adopted")
    assert code == OK, out
    assert _ids(pep, "sw.ann") == {"LA2"}
    code, out = pep("sw.ann", "children", "list", "--include-closed", "--json")
    assert {c["la_child_id"]: c["status"] for c in json.loads(out)} == {"LA1": "closed", "LA2": "open"}
    code, out = pep("sw.ann", "audit", UPN)  # audit takes the UPN too
    assert code == OK and "child.save" in out
    code, out = pep("sw.ann", "children", "reopen", "LA1", "--date", (today + timedelta(days=1)).isoformat())
    assert code == OK, out


def test_show_and_list_make_stored_text_visible_safe(pep, monkeypatch) -> None:
    monkeypatch.setattr("pep_tui.services.identity.os_login", lambda: "vs.head")
    pep(None, "init", "--admin", "vs.head")
    from pep_tui.bootstrap import open_services

    services = open_services(pep.data).services
    vs = services.principal_for("vs.head")
    # stored before control characters were refused on the way in (an old store): still never reaches the terminal
    child = services.children.create(vs, {"first_name": "Safe", "last_name": "Name", "date_of_birth": "2015-01-01",
                                          "la_child_id": "LA9"})
    services.store.save_child(child.model_copy(update={"last_name": "Bad\x1b[2JName"}), child.revision, "x", "virtual_school")
    for args in (("children", "list"), ("children", "show", "LA9"), ("children", "find", "safe")):
        code, out = pep(None, *args)
        assert code == OK and "\x1b" not in out and "\\x1b[2J" in out, (args, out)


def test_a_child_is_named_by_id_upn_or_la_id_and_ambiguity_is_refused(pep, monkeypatch) -> None:
    monkeypatch.setattr("pep_tui.services.identity.os_login", lambda: "vs.head")
    pep(None, "init", "--admin", "vs.head")
    for first in ("One", "Two"):
        pep(None, "children", "add", "--first-name", first, "--last-name", "Twin", "--dob", "2014-01-01", "--la-id", "DUP")
    code, out = pep(None, "children", "show", "DUP")
    assert code == USER_ERROR and "2 children match" in out and out.count("\n") == 1
    code, out = pep(None, "children", "show", "NOPE")
    assert code == USER_ERROR and "no child in your scope" in out


def test_children_edit_corrects_facts_and_names_a_bad_field(pep, monkeypatch) -> None:
    monkeypatch.setattr("pep_tui.services.identity.os_login", lambda: "vs.head")
    pep(None, "init", "--admin", "vs.head")
    pep(None, "children", "add", "--first-name", "Ed", "--last-name", "Itwell", "--dob", "2014-01-01", "--la-id", "E1")
    code, out = pep(None, "children", "edit", "E1", "--upn", "B207000016049")
    assert code == USER_ERROR and "upn" in out and "check letter" in out.lower() and out.count("\n") == 1
    code, out = pep(None, "children", "edit", "E1", "--upn", UPN, "--sen-status", "ehcp")
    assert code == OK, out
    code, out = pep(None, "children", "show", UPN, "--json")
    shown = json.loads(out)
    assert (shown["upn"], shown["sen_status"], shown["la_child_id"]) == (UPN, "ehcp", "E1")
