"""Render the README's example certificate (docs/images/certificate-example.png) from the
bundled course, with a throwaway issuer key: `.venv/bin/python scripts/certificate-example.py`."""

from __future__ import annotations

import datetime as dt
import subprocess
import sys
import tempfile
from pathlib import Path

from kurskit.course.loading import load_course
from kurskit.grading.certificates import issue_certificates
from kurskit.grading.issuer import create_issuer
from kurskit.grading.names import Person
from kurskit.grading.results import LearnerResult

ROOT = Path(__file__).resolve().parent.parent
COURSE = ROOT / "courses" / "kildekritikk"
OUTPUT = ROOT / "docs" / "images" / "certificate-example.png"


def main() -> None:
    course = load_course(COURSE).course
    if course is None:
        sys.exit(f"{COURSE} does not load; run `kurskit check {COURSE}`")
    with tempfile.TemporaryDirectory() as work:
        issuer = create_issuer(
            Path(work) / "issuer",
            issuer_id="https://hub.example.org/services/kurskit-answers/issuer",
            verify_url="https://hub.example.org/services/kurskit-answers/verify/",
        )
        [certificate] = issue_certificates(
            course,
            [LearnerResult("learner-1", 23, 25, course.threshold)],
            Path(work) / "root",
            issuer=issuer,
            people={"learner-1": Person("Åse Ørnes-Bakke")},
            course_folder=COURSE,
            today=dt.date(2026, 12, 4),
        )
        OUTPUT.parent.mkdir(parents=True, exist_ok=True)
        subprocess.run(
            [
                "pdftoppm",
                "-png",
                "-r",
                "72",
                "-singlefile",
                certificate.pdf,
                OUTPUT.with_suffix(""),
            ],
            check=True,
        )
    print(f"wrote {OUTPUT.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
