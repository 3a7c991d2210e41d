"""The public page a certificate's QR code opens: whoever holds the code sees the name, course,
date and whether the certificate is valid or revoked, looked up by the code's hash in the list
the issuer published. No login: an employer checking a certificate has no hub account."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import re
from html import escape
from pathlib import Path
from typing import Any

from jupyterhub.utils import url_path_join
from tornado import web

from kurskit.i18n import DEFAULT_LANGUAGE, LANGUAGES, translate

#: The issuer's published list (hashed codes), set by the hub's configuration.
CERTIFICATES_VARIABLE = "KURSKIT_CERTIFICATES_FILE"
CODE = re.compile(r"^[0-9A-F]{4}(-[0-9A-F]{4}){3}$")


class PublishedCertificates:
    """The issuer's published list, read again whenever the file changes."""

    def __init__(self, path: Path | None) -> None:
        self.path = path
        self._seen: tuple[float, dict[str, Any]] | None = None

    def data(self) -> dict[str, Any] | None:
        if self.path is None or not self.path.is_file():
            return None
        modified = self.path.stat().st_mtime
        if self._seen is None or self._seen[0] != modified:
            self._seen = (modified, json.loads(self.path.read_text("utf-8")))
        return self._seen[1]

    def lookup(self, code: str) -> dict[str, Any] | None:
        data = self.data() or {}
        key = hashlib.sha256(code.encode()).hexdigest()
        found: dict[str, Any] | None = data.get("certificates", {}).get(key)
        return found


class VerifyHandler(web.RequestHandler):
    """GET verify/ (a form) and verify/CODE (the certificate's state)."""

    def initialize(self, published: PublishedCertificates) -> None:
        self.published = published

    def get(self, code: str = "") -> None:
        code = (code or self.get_argument("code", "")).strip().upper().replace(" ", "")
        if code and not CODE.fullmatch(code):
            code = ""
            self.set_status(400)
        if self.published.data() is None:
            self.set_status(503)
            self._page(self._language(), "verify_unavailable", "", code)
            return
        entry = self.published.lookup(code) if code else None
        if code and entry is None:
            self.set_status(404)
            self._page(self._language(), "verify_unknown", "", code)
        elif entry is None:
            self._page(self._language(), "", "", code)
        else:
            self._page(entry.get("language", DEFAULT_LANGUAGE), "", _details(entry), code)

    def _language(self) -> str:
        asked = self.get_argument("lang", "")
        if asked in LANGUAGES:
            return asked
        for part in self.request.headers.get("Accept-Language", "").split(","):
            tag = part.split(";")[0].strip().lower()
            tag = {"no": "nb", "nb-no": "nb", "nn-no": "nn", "sv-se": "sv", "da-dk": "da"}.get(
                tag, tag[:2]
            )
            if tag in LANGUAGES:
                return tag
        return DEFAULT_LANGUAGE

    def _page(self, lang: str, message: str, details: str, code: str) -> None:
        def t(key: str, **values: object) -> str:
            return escape(translate(key, lang, **values))

        notice = f'<p class="notice" role="status">{t(message)}</p>' if message else ""
        self.set_header("Content-Type", "text/html; charset=utf-8")
        self.set_header("Cache-Control", "no-store")
        self.set_header("X-Robots-Tag", "noindex")
        self.write(
            f"""<!DOCTYPE html><html lang="{lang}"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{t("verify_title")}</title><style>{_STYLE}</style></head>
<body><main><h1>{t("verify_title")}</h1>{notice}{details}
<form method="get" action="{escape(self._form_action())}">
<label for="code">{t("verify_prompt")}</label>
<input id="code" name="code" value="{escape(code)}" autocomplete="off" spellcheck="false"
 inputmode="text" placeholder="XXXX-XXXX-XXXX-XXXX">
<button type="submit">{t("verify_button")}</button></form></main></body></html>"""
        )

    def _form_action(self) -> str:
        return url_path_join(self.settings["service_prefix"], "verify/")


def _details(entry: dict[str, Any]) -> str:
    """The certificate as a definition list, in the certificate's language."""
    lang = entry.get("language", DEFAULT_LANGUAGE)

    def t(key: str, **values: object) -> str:
        return escape(translate(key, lang, **values))

    if entry.get("revoked_on"):
        date = _date(entry["revoked_on"], lang)
        state = t("verify_revoked", date=date, reason=entry.get("reason", ""))
        state_html = f'<dd class="revoked"><strong>{state}</strong></dd>'
    else:
        state_html = f'<dd class="valid"><strong>✓ {t("verify_valid")}</strong></dd>'
    rows = [
        (t("verify_name"), escape(entry["name"])),
        (t("verify_course"), escape(entry["title"])),
        (t("certificate_date"), escape(_date(entry["issued"], lang))),
    ]
    items = "".join(f"<dt>{label}</dt><dd>{value}</dd>" for label, value in rows)
    return f"<dl>{items}<dt>{t('verify_status')}</dt>{state_html}</dl>"


def _date(iso: str, lang: str) -> str:
    from babel.dates import format_date

    return str(format_date(dt.date.fromisoformat(iso), "long", locale=lang))


def routes(prefix: str) -> list[Any]:
    """The verification page's routes under the service prefix."""
    configured = os.environ.get(CERTIFICATES_VARIABLE)
    args = {"published": PublishedCertificates(Path(configured) if configured else None)}
    return [
        (url_path_join(prefix, "verify/?"), VerifyHandler, args),
        (url_path_join(prefix, r"verify/([^/]+)"), VerifyHandler, args),
    ]


_STYLE = """
body { margin: 0; font: 1.125rem/1.5 system-ui, sans-serif; color: #1b1b1b; background: #fff; }
main { max-width: 40rem; margin: 0 auto; padding: 1.5rem; }
h1 { font-size: 1.5rem; color: #0b57d0; }
dl { display: grid; grid-template-columns: max-content 1fr; gap: 0.5rem 1.5rem; }
dt { color: #444; } dd { margin: 0; }
.valid { color: #0a6b2d; } .revoked { color: #a50e0e; }
.notice { padding: 0.75rem 1rem; border-left: 0.3rem solid #a50e0e; background: #fdf0ef; }
label { display: block; font-weight: 600; margin-top: 2rem; }
input { font: inherit; padding: 0.5rem; width: 100%; max-width: 22rem; min-height: 44px; }
button { font: inherit; margin-top: 0.75rem; padding: 0.6rem 1.2rem; min-height: 44px; border: 0;
  border-radius: 0.5rem; background: #0b57d0; color: #fff; cursor: pointer; }
button:focus-visible, input:focus-visible { outline: 3px solid #1b1b1b; outline-offset: 2px; }
"""
