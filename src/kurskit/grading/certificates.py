"""Certificates for learners who passed: a PDF/A page in the course's language naming the
learner, beside it an Open Badges 3.0 credential signed by the issuer, both recorded in the
issuer's register so that anyone with the code can verify them."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from kurskit.course.model import Course
from kurskit.grading.certificate_page import (
    CertificateFacts,
    certificate_html,
    write_certificate_pdf,
)
from kurskit.grading.issuer import Issuer
from kurskit.grading.names import Person
from kurskit.grading.open_badges import credential, sign
from kurskit.grading.register import Entry, make_code, read_register, record
from kurskit.grading.results import LearnerResult

#: Where a course root keeps its certificates.
CERTIFICATES_FOLDER = "certificates"
#: Open Badges credentials sit beside the PDFs with this ending (a VC-JWT, compact JWS).
BADGE_SUFFIX = ".badge.jwt"


@dataclass(frozen=True)
class Certificate:
    """One issued certificate."""

    code: str
    learner: str
    name: str
    course: str
    issued: str
    pdf: Path
    badge: Path
    url: str


def to_certify(results: list[LearnerResult]) -> list[LearnerResult]:
    """The results that may be certified: passed, with no flagged work waiting for review."""
    return [result for result in results if result.certifiable]


def issue_certificates(
    course: Course,
    results: list[LearnerResult],
    course_root: Path,
    *,
    issuer: Issuer,
    people: dict[str, Person],
    course_folder: Path,
    today: dt.date | None = None,
) -> list[Certificate]:
    """A PDF and an Open Badges credential in `certificates/` for every learner who may be
    certified (`to_certify`), recorded in the issuer's register. `people` names each of them;
    a certificate once revoked is not issued again under the same code."""
    issued_on = today or dt.date.today()
    issued = issued_on.isoformat()
    folder = course_root / CERTIFICATES_FOLDER
    folder.mkdir(parents=True, exist_ok=True)
    logo = course_folder / course.certificate.logo if course.certificate.logo else None
    if logo is not None and not logo.is_file():
        raise ValueError(f"the course's certificate logo {logo} does not exist")
    register = read_register(issuer.folder)
    # A learner whose certificate of this course was revoked gets no new one by issuing again.
    revoked = {e.learner for e in register.values() if e.course == course.slug and e.revoked}
    certificates, entries = [], []
    for result in to_certify(results):
        if result.learner in revoked:
            continue
        person = people[result.learner]
        code = make_code(issuer, course.slug, result.learner, issued)
        url = issuer.verification_url(code)
        facts = CertificateFacts(
            name=person.name,
            issued=issued_on,
            code=code,
            verification_url=url,
            result=(
                (round(result.share * 100), round(course.threshold * 100))
                if course.certificate.show_result
                else None
            ),
        )
        badge = sign(
            credential(
                course, issuer, learner=result.learner, name=person.name, email=person.email,
                code=code, issued=issued_on,
            ),
            issuer,
        )  # fmt: skip
        pdf = folder / f"{result.learner}.pdf"
        badge_file = folder / f"{result.learner}{BADGE_SUFFIX}"
        badge_file.write_text(badge, "utf-8")
        write_certificate_pdf(
            pdf,
            certificate_html(course, facts, logo=logo),
            attachment=(f"{course.slug}-open-badge.jwt", badge),
        )
        entries.append(
            Entry(code, result.learner, person.name, course.slug, course.title,
                  course.language, issued)
        )  # fmt: skip
        certificates.append(
            Certificate(code, result.learner, person.name, course.slug, issued, pdf, badge_file,
                        url)
        )  # fmt: skip
    record(issuer, entries)
    return certificates
