"""The issuer's register: verification from any folder, revocation, the published list, and
the names certificates print (a roster, or what the hub recorded at sign-in)."""

from __future__ import annotations

import json
import stat
from pathlib import Path

import pytest
from typer.testing import CliRunner

from kurskit.cli import app
from kurskit.grading.issuer import Issuer, create_issuer, read_issuer
from kurskit.grading.names import MissingNamesError, Person, names_for, read_roster
from kurskit.grading.register import (
    PUBLISHED_FILE,
    REGISTER_FILE,
    Entry,
    code_hash,
    make_code,
    record,
)
from kurskit.hub.profiles import NameRecorder, display_name

runner = CliRunner()


def recorded(issuer: Issuer, learner: str, name: str = "Kari Nordmann") -> Entry:
    issued = "2026-12-04"
    entry = Entry(make_code(issuer, "demo", learner, issued), learner, name, "demo", "Demokurs",
                  "nb", issued)  # fmt: skip
    record(issuer, [entry])
    return entry


def test_verify_works_from_any_folder_and_for_a_code_typed_loosely(
    issuer: Issuer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    entry = recorded(issuer, "verify-anywhere", "Åse Ørnes")
    monkeypatch.chdir(tmp_path)  # no course root, no grading folder here
    for typed in (entry.code, f"  {entry.code.lower()} "):
        result = runner.invoke(app, ["grade", "verify", typed])
        assert result.exit_code == 0, result.output
        assert f"{entry.code}: genuine — Åse Ørnes, Demokurs (demo), 2026-12-04" in (result.output)
    explicit = runner.invoke(app, ["grade", "verify", entry.code, "--issuer", str(issuer.folder)])
    assert explicit.exit_code == 0


def test_a_code_the_secret_did_not_make_is_no_certificate(issuer: Issuer) -> None:
    forged = Entry("AAAA-BBBB-CCCC-DDDD", "mallory", "Mallory", "demo", "Demokurs", "nb",
                   "2026-12-04")  # fmt: skip
    record(issuer, [forged])  # even written into the register by hand
    result = runner.invoke(app, ["grade", "verify", forged.code])
    assert result.exit_code == 1 and "no such certificate" in result.output
    assert runner.invoke(app, ["grade", "verify", "0000-0000-0000-0000"]).exit_code == 1


def test_without_a_register_verify_says_where_it_looked(tmp_path: Path) -> None:
    result = runner.invoke(app, ["grade", "verify", "ABCD-0123-4567-89EF", "--issuer",
                                 str(tmp_path)])  # fmt: skip
    assert result.exit_code == 1
    assert "no such certificate" not in result.output
    assert f"no certificate register ({REGISTER_FILE})" in result.output
    assert str(tmp_path) in " ".join(result.output.split())


def test_a_revoked_certificate_verifies_as_revoked_with_its_reason(issuer: Issuer) -> None:
    entry = recorded(issuer, "revoke-me")
    refused = runner.invoke(app, ["grade", "certificates", "demo", "--revoke", entry.code])
    assert refused.exit_code == 1 and "--reason" in refused.output
    unknown = runner.invoke(app, ["grade", "certificates", "demo", "--revoke",
                                  "0000-0000-0000-0000", "--reason", "x"])  # fmt: skip
    assert unknown.exit_code == 1 and "no such certificate" in unknown.output
    revoked = runner.invoke(app, ["grade", "certificates", "demo", "--revoke", entry.code,
                                  "--reason", "Issued by mistake"])  # fmt: skip
    assert revoked.exit_code == 0, revoked.output
    result = runner.invoke(app, ["grade", "verify", entry.code])
    assert result.exit_code == 1
    assert "revoked on" in result.output and "Issued by mistake" in result.output
    published = json.loads((issuer.folder / PUBLISHED_FILE).read_text("utf-8"))
    assert published["certificates"][code_hash(entry.code)]["reason"] == "Issued by mistake"


def test_the_published_list_holds_no_code_and_no_login(issuer: Issuer) -> None:
    entry = recorded(issuer, "login-x7", "Sölve Ängström")
    text = (issuer.folder / PUBLISHED_FILE).read_text("utf-8")
    assert entry.code not in text and "login-x7" not in text
    assert "Sölve Ängström" in text  # the page shows the name to whoever has the code
    assert '"d"' not in text  # the public key only
    for private in (REGISTER_FILE, "issuer-key.pem", "code-secret"):
        assert stat.S_IMODE((issuer.folder / private).stat().st_mode) == 0o600
    assert stat.S_IMODE(issuer.folder.stat().st_mode) == 0o700


def test_keys_are_not_replaced_by_accident(tmp_path: Path) -> None:
    made = runner.invoke(app, ["grade", "keys", "--issuer", str(tmp_path / "i"),
                               "--hub-url", "https://hub.example.org/"])  # fmt: skip
    assert made.exit_code == 0, made.output
    assert "https://hub.example.org/services/kurskit-answers/verify/CODE" in made.output
    again = runner.invoke(app, ["grade", "keys", "--issuer", str(tmp_path / "i")])
    assert again.exit_code == 1 and "--force" in again.output
    with pytest.raises(ValueError, match="kurskit grade keys"):
        read_issuer(tmp_path / "nothing")
    replaced = create_issuer(tmp_path / "i", issuer_id="urn:x", verify_url="https://v/",
                             force=True)  # fmt: skip
    assert replaced.verify_url == "https://v/"


def test_names_come_from_the_roster_or_the_hub_and_missing_ones_are_listed(
    tmp_path: Path,
) -> None:
    roster = tmp_path / "roster.csv"
    roster.write_text("\ufefflearner;name;email\nu1;  Åse   Ørnes ;ase@example.org\n", "utf-8")
    hub_names = tmp_path / "display-names.json"
    hub_names.write_text(json.dumps({"u1": {"name": "Old Name"}, "u2": {"name": "Bo Berg"}}))
    people = names_for(["u1", "u2"], roster=roster, recorded=hub_names)
    assert people == {"u1": Person("Åse Ørnes", "ase@example.org"), "u2": Person("Bo Berg")}
    with pytest.raises(MissingNamesError) as missing:
        names_for(["u1", "u3", "u4"], roster=roster, recorded=hub_names)
    assert missing.value.learners == ["u3", "u4"]
    assert "u3, u4" in str(missing.value) and str(roster) in str(missing.value)
    roster.write_text("user,fullname\nu1,A\n", "utf-8")
    with pytest.raises(ValueError, match=r"roster.csv, line 1: .*learner and name"):
        read_roster(roster)
    roster.write_text("learner,name\nu1,A\nu2,\n", "utf-8")
    with pytest.raises(ValueError, match=r"roster.csv, line 3: field name is empty"):
        read_roster(roster)
    roster.write_text("learner,name\nu1,A\nu1,B\n", "utf-8")
    with pytest.raises(ValueError, match=r"roster.csv, line 3: the learner u1 is listed twice"):
        read_roster(roster)
    roster.write_text("learner name\nu1 A\n", "utf-8")  # no delimiter to be found
    with pytest.raises(ValueError, match=r"roster.csv: not a CSV roster"):
        read_roster(roster)


def test_the_hub_records_the_name_the_identity_provider_gives(tmp_path: Path) -> None:
    assert display_name({"oauth_user": {"name": " Kari  Nordmann ", "email": "k@x.no"}}) == (
        "Kari Nordmann", "k@x.no")  # fmt: skip
    assert display_name({"given_name": "Sölve", "family_name": "Ängström"}) == (
        "Sölve Ängström", "")  # fmt: skip
    hook = NameRecorder(tmp_path / "display-names.json")
    login = {"name": "kari", "auth_state": {"oauth_user": {"name": "Kari Nordmann"}}}
    assert hook(None, None, login) is login  # the login goes on unchanged
    hook(None, None, {"name": "anon", "auth_state": None})  # a native account: no name
    names = json.loads((tmp_path / "display-names.json").read_text("utf-8"))
    assert names == {"kari": {"name": "Kari Nordmann", "email": ""}}
    assert stat.S_IMODE((tmp_path / "display-names.json").stat().st_mode) == 0o600
