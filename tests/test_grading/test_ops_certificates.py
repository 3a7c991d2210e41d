"""`kurskit grade verify` where there is no certificate register: it says where it looked."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from kurskit.cli import app

runner = CliRunner()
CODE = "ABCD-EF01-2345"


def test_verify_without_any_register_says_where_it_looked(tmp_path: Path) -> None:
    result = runner.invoke(app, ["grade", "verify", CODE, "--grading", str(tmp_path)])
    assert result.exit_code == 1
    assert "no such certificate" not in result.output
    assert "no certificate register (certificates.json)" in result.output
    assert str(tmp_path.resolve()) in result.output


def test_an_unknown_code_in_a_register_is_no_such_certificate(tmp_path: Path) -> None:
    (tmp_path / "demo").mkdir()
    (tmp_path / "demo" / "certificates.json").write_text(json.dumps({}), "utf-8")
    for grading in (tmp_path, tmp_path / "demo"):  # the folder of course roots, or one root
        result = runner.invoke(app, ["grade", "verify", CODE, "--grading", str(grading)])
        assert result.exit_code == 1
        assert f"{CODE}: no such certificate." in result.output
