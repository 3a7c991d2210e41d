"""Certificates a person would keep: rendered to an image, in Norwegian and Swedish, with the
learner's name, the issuer, translated DigComp titles and a QR code to the verification page;
PDF/A-3a with the language set; the Open Badges credential beside it."""

from __future__ import annotations

import datetime as dt
import re
import subprocess
import zlib
from pathlib import Path

import pytest
from PIL import Image

from kurskit.course.digcomp import competences
from kurskit.course.loading import load_course
from kurskit.course.model import Course
from kurskit.grading.certificates import BADGE_SUFFIX, Certificate, issue_certificates
from kurskit.grading.issuer import Issuer
from kurskit.grading.names import Person
from kurskit.grading.open_badges import verify_signed
from kurskit.grading.results import LearnerResult
from tests.factories import COURSE_YML, CourseFactory

pytestmark = pytest.mark.slow  # WeasyPrint and poppler: about a second per certificate

ISSUED = dt.date(2026, 12, 4)
LOGO = """<svg xmlns="http://www.w3.org/2000/svg" width="200" height="60" viewBox="0 0 200 60">
<rect width="60" height="60" rx="8" fill="#0b57d0"/><text x="70" y="40" font-size="24">Logo</text>
</svg>"""
CERTIFICATE_PART = """\
certificate:
  show_result: true
  logo: logo.svg
  signer: {name: Ingrid Leder, role: Avdelingsleder}
"""
NB = (
    COURSE_YML.replace("owners:\n  - name: Kari Nordmann\n",
                       "owners:\n  - name: Kari Nordmann\n    organisation: Drammen bibliotek\n")
    .replace("duration_minutes: 60", "duration_minutes: 210")
    + CERTIFICATE_PART
)  # fmt: skip
SV = (
    NB.replace("language: nb", "language: sv")
    .replace("title: Demokurs", "title: Källkritik för bibliotekarier")
    .replace("Drammen bibliotek", "Region Skåne, Kultur")
    .replace("role: Avdelingsleder", "role: Verksamhetschef")
)


def certify(
    make_course: CourseFactory, text: str, issuer: Issuer, root: Path, name: str
) -> tuple[Course, Certificate]:
    folder = make_course(text, files={"logo.svg": LOGO})
    course = load_course(folder).course
    assert course is not None
    results = [LearnerResult("u4821", 9, 10, 0.8), LearnerResult("u9", 3, 10, 0.8)]
    issued = issue_certificates(
        course, results, root, issuer=issuer, people={"u4821": Person(name)},
        course_folder=folder, today=ISSUED,
    )  # fmt: skip
    assert [c.learner for c in issued] == ["u4821"]  # the learner who failed gets none
    return course, issued[0]


def rendered(pdf: Path) -> tuple[Path, str]:
    """The page as a PNG (pdftoppm) and its text as a reader's tools select it (pdftotext)."""
    subprocess.run(["pdftoppm", "-png", "-r", "120", "-singlefile", pdf, pdf.with_suffix("")],
                   check=True)  # fmt: skip
    text = subprocess.run(["pdftotext", "-layout", pdf, "-"], check=True, capture_output=True,
                          text=True).stdout  # fmt: skip
    return pdf.with_suffix(".png"), " ".join(text.split())


def read_as_a_person(png: Path, language: str) -> str:
    """The words on the rendered page, read back from the image by OCR (Tesseract)."""
    tesseract_language = {"nb": "nor", "nn": "nor", "sv": "swe"}[language]
    text = subprocess.run(["tesseract", png, "-", "-l", tesseract_language], check=True,
                          capture_output=True, text=True).stdout  # fmt: skip
    return " ".join(text.split())


def qr_codes(png: Path) -> list[str]:
    import zxingcpp

    return [code.text for code in zxingcpp.read_barcodes(Image.open(png))]


@pytest.mark.parametrize(
    ("text", "name", "expected"),
    [
        (NB, "Åse Ørnes-Bakke", ["Kursbevis", "Drammen bibliotek", "4. desember 2026",
                                 "3,5 timer", "90 %", "Ingrid Leder", "Avdelingsleder"]),
        (SV, "Sölve Ängström", ["Kursintyg", "Region Skåne, Kultur", "4 december 2026",
                                "3,5 timmar", "90 %", "Verksamhetschef"]),
    ],
    ids=["nb", "sv"],
)  # fmt: skip
def test_a_certificate_rendered_to_an_image_shows_what_a_person_keeps(
    make_course: CourseFactory,
    issuer: Issuer,
    tmp_path: Path,
    text: str,
    name: str,
    expected: list[str],
) -> None:
    course, certificate = certify(make_course, text, issuer, tmp_path / "root", name)
    png, words = rendered(certificate.pdf)
    assert name in words and "u4821" not in words  # the display name, never the login
    assert course.title in words
    for phrase in expected:
        assert phrase in words, phrase
    titles = competences(course.language)
    for code in course.competences:  # DigComp titles in the certificate's language
        assert f"{code} {titles[code]}" in words
        assert competences()[code] not in words  # not the English ones
    assert f"{certificate.code}" in words
    assert certificate.url in words.replace(" ", "")  # printed in full (wrapped over lines)
    assert qr_codes(png) == [certificate.url] == [issuer.verification_url(certificate.code)]
    seen = read_as_a_person(png, course.language)  # the image, not the text layer
    assert name in seen and course.issuer_name in seen
    for code in course.competences:
        assert titles[code] in seen, (titles[code], seen)
    histogram = Image.open(png).convert("L").histogram()
    dark = sum(histogram[:128]) / sum(histogram)
    assert 0.02 < dark < 0.4  # a laid-out page, neither blank nor a solid block


def test_the_pdf_is_tagged_pdf_a_in_the_course_language_with_the_badge_inside(
    make_course: CourseFactory, issuer: Issuer, tmp_path: Path
) -> None:
    _, certificate = certify(make_course, NB, issuer, tmp_path / "root", "Åse Ørnes-Bakke")
    info = subprocess.run(["pdfinfo", certificate.pdf], capture_output=True, text=True).stdout
    assert re.search(r"Tagged:\s+yes", info) and re.search(r"Page size:.*\(A4\)", info)
    assert re.search(r"Title:\s+Kursbevis: Demokurs – Åse Ørnes-Bakke", info)
    meta = subprocess.run(["pdfinfo", "-meta", certificate.pdf], capture_output=True,
                          text=True).stdout  # fmt: skip
    assert 'pdfaid:part="3"' in meta and 'pdfaid:conformance="A"' in meta
    structure = subprocess.run(["pdfinfo", "-struct-text", certificate.pdf], capture_output=True,
                               text=True).stdout  # fmt: skip
    assert "H1" in structure and "Åse Ørnes-Bakke" in structure  # a screen reader's outline
    assert b"/Lang (nb)" in _uncompressed(certificate.pdf.read_bytes())
    attached = subprocess.run(["pdfdetach", "-list", certificate.pdf], capture_output=True,
                              text=True).stdout  # fmt: skip
    assert "demo-open-badge.jwt" in attached
    badge = certificate.pdf.with_name(f"u4821{BADGE_SUFFIX}")
    assert badge == certificate.badge
    claims = verify_signed(badge.read_text("utf-8"), trusted_jwk=issuer.public_jwk)
    assert claims["id"] == certificate.url


def _uncompressed(pdf: bytes) -> bytes:
    streams = []
    for match in re.finditer(rb"stream\r?\n(.*?)endstream", pdf, re.S):
        try:
            streams.append(zlib.decompress(match.group(1)))
        except zlib.error:
            continue
    return pdf + b"".join(streams)


def test_a_revoked_learner_gets_no_new_certificate_on_a_later_day(
    make_course: CourseFactory, issuer: Issuer, tmp_path: Path
) -> None:
    from kurskit.grading.issuer import create_issuer
    from kurskit.grading.register import revoke

    # An issuer of its own: a revocation in the session's register would reach other tests.
    issuer = create_issuer(tmp_path / "issuer", issuer_id=issuer.id, verify_url=issuer.verify_url)
    course, certificate = certify(make_course, NB, issuer, tmp_path / "root", "Bo Berg")
    revoke(issuer, certificate.code, "Issued by mistake")
    again = issue_certificates(
        course, [LearnerResult("u4821", 9, 10, 0.8)], tmp_path / "root", issuer=issuer,
        people={"u4821": Person("Bo Berg")}, course_folder=tmp_path / "demo",
        today=ISSUED + dt.timedelta(days=1),
    )  # fmt: skip
    assert again == []
