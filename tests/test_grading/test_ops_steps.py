"""nbgrader's steps as kurskit reports them: `grade collect` counts only what it collected and
prints each of nbgrader's warnings as its text, however many lines nbgrader logged it in."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

from kurskit.cli import app
from kurskit.grading.steps import log_messages
from tests.test_grading.submissions import released_course
from tests.test_grading.test_flow import learner_submits

runner = CliRunner()


def test_a_warning_of_several_lines_is_one_message() -> None:
    log = (
        "[CollectApp | WARNING] \n"
        "/x/anna+prov claims to be submitted by anna but is owned by root; cheating attempt?\n"
        "you may disable this warning by unsetting the option CollectApp.check_owner\n"
        "\n"
        "[CollectApp | INFO] Collecting submission: anna prov\n"
    )
    assert log_messages(log) == [
        (
            "WARNING",
            "/x/anna+prov claims to be submitted by anna but is owned by root; cheating "
            "attempt? you may disable this warning by unsetting the option "
            "CollectApp.check_owner",
        ),
        ("INFO", "Collecting submission: anna prov"),
    ]


@pytest.mark.slow
def test_collect_counts_what_it_collected_and_prints_warnings_as_text(tmp_path: Path) -> None:
    root = released_course(tmp_path)
    learner_submits("anna", tmp_path / "home" / "anna", root / "exchange")

    def collect() -> str:
        result = runner.invoke(app, ["grade", "collect", str(root), "prov"])
        assert result.exit_code == 0, result.output
        return result.output

    first, again = collect(), collect()
    assert re.search(r"submissions collected\s+1", first), first
    assert re.search(r"submissions collected\s+0", again), again  # nothing newer to collect
    for output in (first, again):
        warnings = [line.strip() for line in output.splitlines() if line.startswith("  ! ")]
        count = re.search(r"warnings\s+(\d+)", output)
        assert count is not None and int(count.group(1)) == len(warnings), output
        assert all(len(warning) > len("! ") for warning in warnings), output
        assert not any(line.strip() == "!" for line in output.splitlines()), output
    # One OS user owns every learner's files here, so nbgrader suspects each submission.
    assert "claims to be submitted by anna" in first, first
