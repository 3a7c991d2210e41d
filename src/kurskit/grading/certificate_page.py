"""A certificate as a person keeps it: one A4 page in the course's language, laid out in HTML
and printed by WeasyPrint as PDF/A-3a (tagged, selectable text, the document's language set),
with the verification address as text and as a QR code made offline."""

from __future__ import annotations

import base64
import datetime as dt
import mimetypes
from dataclasses import dataclass
from html import escape
from pathlib import Path

from kurskit.course.digcomp import competences
from kurskit.course.model import Course
from kurskit.i18n import translate

#: The project's colours (the book's logo) and a font every Debian machine has.
INK = "#1b1b1b"
ACCENT = "#0b57d0"
FONTS = '"DejaVu Sans", "Liberation Sans", sans-serif'


@dataclass(frozen=True)
class CertificateFacts:
    """What one learner's certificate states."""

    name: str
    issued: dt.date
    code: str
    verification_url: str
    #: (percent, threshold percent) when the course shows results, else None.
    result: tuple[int, int] | None = None


def certificate_html(course: Course, facts: CertificateFacts, *, logo: Path | None) -> str:
    """The certificate page as HTML (also what the PDF is printed from)."""
    from babel.dates import format_date
    from babel.numbers import format_decimal

    lang = course.language

    def t(key: str, **values: object) -> str:
        return escape(translate(key, lang, **values))

    # The code on one line: a break inside it would make it hard to type in (and to read back).
    code_line = t("certificate_code", code="@CODE@").replace(
        "@CODE@", f"<span class=nowrap>{escape(facts.code)}</span>"
    )
    hours = course.duration_minutes / 60
    length = t(
        "certificate_hour" if hours == 1 else "certificate_hours",
        hours=format_decimal(hours, format="#,##0.#", locale=lang),
    )
    facts_rows = [
        (t("certificate_issuer"), escape(course.issuer_name)),
        (t("certificate_date"), escape(format_date(facts.issued, "long", locale=lang))),
        (t("certificate_length"), length),
    ]
    if facts.result is not None:
        percent, threshold = facts.result
        facts_rows.append(
            (t("certificate_result"), t("certificate_result_value", percent=percent,
                                        threshold=threshold))
        )  # fmt: skip
    titles = competences(lang)
    competence_items = "".join(
        f"<li><span class=code>{code}</span> {escape(titles[code])}</li>"
        for code in course.competences
    )
    signer = course.certificate.signer
    signature = (
        f"<div class=signature><div class=line></div><p class=signer>{escape(signer.name)}</p>"
        f"<p class=role>{escape(signer.role)}</p></div>"
        if signer is not None
        else ""
    )
    logo_tag = (
        f'<img class=logo src="{_data_uri(logo)}" alt="{escape(course.issuer_name)}">'
        if logo is not None
        else ""
    )
    rows = "".join(f"<tr><th scope=row>{k}</th><td>{v}</td></tr>" for k, v in facts_rows)
    url = escape(facts.verification_url)
    title = t("certificate_title")
    return f"""<!DOCTYPE html>
<html lang="{lang}">
<head>
<meta charset="utf-8">
<title>{title}: {escape(course.title)} – {escape(facts.name)}</title>
<meta name="author" content="{escape(course.issuer_name)}">
<meta name="description" content="{t("certificate_passed")} {escape(course.title)}">
<meta name="generator" content="kurskit">
<style>{_STYLE}</style>
</head>
<body>
<main class=sheet>
<header>{logo_tag}<p class=issuer>{escape(course.issuer_name)}</p></header>
<h1>{title}</h1>
<p class=intro>{t("certificate_intro")}</p>
<p class=name>{escape(facts.name)}</p>
<p class=intro>{t("certificate_passed")}</p>
<h2>{escape(course.title)}</h2>
<table class=facts>{rows}</table>
<h3>{t("certificate_competences")}</h3>
<ul class=competences>{competence_items}</ul>
<footer>
{signature}
<div class=verify>
<img class=qr src="{_qr_data_uri(facts.verification_url)}" alt="{t("certificate_qr")}">
<p>{t("certificate_verify")}<br><a href="{url}">{url}</a><br>
{code_line}</p>
</div>
</footer>
</main>
</body>
</html>
"""


def write_certificate_pdf(
    path: Path, html: str, *, attachment: tuple[str, str] | None = None
) -> None:
    """Print the page as PDF/A-3a; `attachment` (file name, text) is embedded in it, as
    PDF/A-3 allows (the Open Badges credential travels inside the PDF too)."""
    from weasyprint import HTML, Attachment

    attachments = (
        [Attachment(string=attachment[1], name=attachment[0], relationship="Supplement")]
        if attachment is not None
        else []
    )
    HTML(string=html).write_pdf(path, pdf_variant="pdf/a-3a", attachments=attachments)


def _qr_data_uri(url: str) -> str:
    import segno

    data_uri: str = segno.make(url, error="m").svg_data_uri(dark=INK, border=2)
    return data_uri


def _data_uri(path: Path) -> str:
    kind = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
    return f"data:{kind};base64,{base64.b64encode(path.read_bytes()).decode('ascii')}"


_STYLE = f"""
@page {{ size: A4; margin: 0; }}
html {{ font-family: {FONTS}; color: {INK}; font-size: 11pt; line-height: 1.4; }}
body {{ margin: 0; }}
.sheet {{ position: relative; height: 297mm; box-sizing: border-box; padding: 20mm 22mm 0;
  border-top: 9mm solid {ACCENT}; }}
header {{ height: 22mm; }}
.logo {{ float: left; max-height: 20mm; max-width: 70mm; }}
.issuer {{ float: right; margin: 6mm 0 0; font-size: 10pt; letter-spacing: 0.04em;
  text-transform: uppercase; color: #444; max-width: 90mm; text-align: right; }}
h1 {{ clear: both; margin: 14mm 0 8mm; font-size: 30pt; font-weight: bold; color: {ACCENT}; }}
.intro {{ margin: 0; font-size: 12pt; color: #333; }}
.name {{ margin: 3mm 0 4mm; font-size: 24pt; font-weight: bold; }}
h2 {{ margin: 3mm 0 8mm; font-size: 18pt; font-weight: bold; }}
.facts {{ border-collapse: collapse; margin-bottom: 7mm; }}
.facts th {{ text-align: left; font-weight: normal; color: #444; padding: 1mm 8mm 1mm 0; }}
.facts td {{ padding: 1mm 0; }}
h3 {{ font-size: 11pt; margin: 0 0 2mm; color: #333; }}
.competences {{ margin: 0; padding-left: 0; list-style: none; }}
.competences li {{ margin: 0 0 1.5mm; }}
.code {{ display: inline-block; min-width: 9mm; font-weight: bold; color: {ACCENT}; }}
footer {{ position: absolute; left: 22mm; right: 22mm; bottom: 16mm; height: 40mm; }}
.signature {{ position: absolute; left: 0; bottom: 0; width: 60mm; }}
.signature .line {{ border-bottom: 0.4mm solid {INK}; height: 14mm; margin-bottom: 2mm; }}
.signer {{ margin: 0; font-weight: bold; }}
.role {{ margin: 0; font-size: 10pt; color: #444; }}
.verify {{ position: absolute; right: 0; bottom: 0; width: 95mm; }}
.qr {{ float: right; width: 32mm; height: 32mm; margin-left: 4mm; }}
.verify p {{ margin: 6mm 0 0; font-size: 8.5pt; color: #333; text-align: right;
  overflow-wrap: anywhere; }}
.verify a {{ color: {ACCENT}; text-decoration: none; }}
.nowrap {{ white-space: nowrap; }}
"""
