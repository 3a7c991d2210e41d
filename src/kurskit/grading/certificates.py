"""Certificates for learners who passed: a PDF in the course's language with a code anyone
can verify against the course root's register."""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json
import secrets
from dataclasses import dataclass
from pathlib import Path
from xml.sax.saxutils import escape

from kurskit.course.digcomp import competences
from kurskit.course.model import Course
from kurskit.grading.results import LearnerResult
from kurskit.i18n import translate

REGISTER = "certificates.json"
SECRET_FILE = ".certificate-secret"


@dataclass(frozen=True)
class Certificate:
    """One issued certificate."""

    code: str
    learner: str
    course: str
    issued: str
    pdf: Path


def _secret(course_root: Path) -> bytes:
    path = course_root / SECRET_FILE
    if not path.exists():
        path.write_text(secrets.token_hex(32), "utf-8")
        path.chmod(0o600)
    return path.read_text("utf-8").strip().encode()


def verification_code(course_root: Path, course: str, learner: str, issued: str) -> str:
    """A short code only this course root's secret can produce: XXXX-XXXX-XXXX."""
    digest = (
        hmac.new(_secret(course_root), f"{course}|{learner}|{issued}".encode(), hashlib.sha256)
        .hexdigest()[:12]
        .upper()
    )
    return "-".join(digest[i : i + 4] for i in range(0, 12, 4))


def issue_certificates(
    course: Course, results: list[LearnerResult], course_root: Path, *, today: dt.date | None = None
) -> list[Certificate]:
    """A PDF per passed learner in certificates/, recorded in the course root's register; none
    for a learner whose flagged work no instructor has cleared (`kurskit grade review`)."""
    issued = (today or dt.date.today()).isoformat()
    register = _read_register(course_root)
    folder = course_root / "certificates"
    folder.mkdir(parents=True, exist_ok=True)
    certificates = []
    for result in results:
        if not result.certifiable:  # failed, or flagged work not yet reviewed
            continue
        code = verification_code(course_root, course.slug, result.learner, issued)
        pdf = folder / f"{result.learner}.pdf"
        _write_pdf(pdf, course, result, issued, code)
        register[code] = {"learner": result.learner, "course": course.slug, "issued": issued}
        certificates.append(Certificate(code, result.learner, course.slug, issued, pdf))
    (course_root / REGISTER).write_text(json.dumps(register, indent=2, ensure_ascii=False), "utf-8")
    return certificates


def verify(code: str, grading_dir: Path) -> dict[str, str] | None:
    """The certificate a code belongs to, if it is in a register and its code is genuine.

    The registers are those of the course roots in `grading_dir` (or of `grading_dir` itself,
    a course root); ValueError when there is none, so that "no such certificate" is never
    said of a code nobody could look up."""
    code = code.strip().upper()
    registers = [
        path
        for path in [grading_dir / REGISTER, *sorted(grading_dir.glob(f"*/{REGISTER}"))]
        if path.is_file()
    ]
    if not registers:
        raise ValueError(
            f"no certificate register ({REGISTER}) in {grading_dir.resolve()} or in any course "
            "root in it, so no code can be checked here; name the folder of the course roots "
            "(the one `kurskit grade certificates` wrote to)"
        )
    for register_file in registers:
        entry = _read_register(register_file.parent).get(code)
        if entry is not None and hmac.compare_digest(
            code,
            verification_code(
                register_file.parent, entry["course"], entry["learner"], entry["issued"]
            ),
        ):
            return entry
    return None


def _read_register(course_root: Path) -> dict[str, dict[str, str]]:
    path = course_root / REGISTER
    data: dict[str, dict[str, str]] = json.loads(path.read_text("utf-8")) if path.exists() else {}
    return data


def _write_pdf(path: Path, course: Course, result: LearnerResult, issued: str, code: str) -> None:
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import getSampleStyleSheet
    from reportlab.platypus import Paragraph as _Paragraph
    from reportlab.platypus import SimpleDocTemplate, Spacer

    lang = course.language
    styles = getSampleStyleSheet()

    def Paragraph(text: str, style: object) -> object:  # noqa: N802 - wraps reportlab's class
        return _Paragraph(escape(text), style)  # course and learner texts are not markup

    story = [
        Paragraph(translate("certificate_title", lang), styles["Title"]),
        Spacer(1, 24),
        Paragraph(translate("certificate_text", lang, learner=result.learner), styles["Heading2"]),
        Paragraph(course.title, styles["Heading1"]),
        Spacer(1, 12),
        Paragraph(
            translate("fact_competences", lang)
            + ": "
            + ", ".join(f"{c} {competences()[c]}" for c in course.competences),
            styles["Normal"],
        ),
        Paragraph(
            translate(
                "certificate_result",
                lang,
                percent=round(result.share * 100),
                threshold=round(course.threshold * 100),
            ),
            styles["Normal"],
        ),
        Paragraph(translate("certificate_date", lang, date=issued), styles["Normal"]),
        Spacer(1, 24),
        Paragraph(translate("certificate_code", lang, code=code), styles["Normal"]),
    ]
    document = SimpleDocTemplate(
        str(path),
        pagesize=A4,
        title=course.title,
        author=", ".join(o.name for o in course.owners),
        lang=lang,
    )
    document.build(story)
