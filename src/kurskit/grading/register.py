"""The issuer's register of certificates: codes only the issuer's secret produces, revocation,
and the published list (codes hashed) that a verification page looks codes up in."""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json
from dataclasses import dataclass
from pathlib import Path

from kurskit.atomic import write_text_atomically
from kurskit.grading.issuer import Issuer

REGISTER_FILE = "register.json"
#: What a verification page reads: no learner logins, no codes, only their hashes.
PUBLISHED_FILE = "published.json"


@dataclass(frozen=True)
class Entry:
    """One certificate in the register."""

    code: str
    learner: str
    name: str
    course: str
    title: str
    language: str
    issued: str
    revoked_on: str = ""
    reason: str = ""

    @property
    def revoked(self) -> bool:
        return bool(self.revoked_on)


def normalise(code: str) -> str:
    """A code as printed, whatever case or spacing it was typed in."""
    return code.strip().upper().replace(" ", "")


def code_hash(code: str) -> str:
    """How the published list names a certificate: the SHA-256 of its code."""
    return hashlib.sha256(normalise(code).encode()).hexdigest()


def make_code(issuer: Issuer, course: str, learner: str, issued: str) -> str:
    """XXXX-XXXX-XXXX-XXXX (64 bits), produced only with the issuer's secret."""
    digest = hmac.new(issuer.code_secret(), f"{course}|{learner}|{issued}".encode(), "sha256")
    text = digest.hexdigest()[:16].upper()
    return "-".join(text[i : i + 4] for i in range(0, 16, 4))


def read_register(folder: Path) -> dict[str, Entry]:
    path = folder / REGISTER_FILE
    data: dict[str, dict[str, str]] = json.loads(path.read_text("utf-8")) if path.exists() else {}
    return {code: Entry(code=code, **fields) for code, fields in data.items()}


def record(issuer: Issuer, entries: list[Entry]) -> None:
    """Add (or refresh) certificates in the register and republish the list."""
    register = read_register(issuer.folder)
    register.update({entry.code: entry for entry in entries})
    _write(issuer, register)


def revoke(issuer: Issuer, code: str, reason: str, *, today: dt.date | None = None) -> Entry:
    """Mark a certificate revoked, with the reason shown to whoever verifies it."""
    if not reason.strip():
        raise ValueError("say why the certificate is revoked (--reason)")
    register = read_register(issuer.folder)
    entry = register.get(normalise(code))
    if entry is None:
        raise ValueError(f"{code}: no such certificate in {issuer.folder / REGISTER_FILE}")
    revoked = Entry(
        **{**entry.__dict__, "revoked_on": (today or dt.date.today()).isoformat(),
           "reason": reason.strip()}
    )  # fmt: skip
    register[revoked.code] = revoked
    _write(issuer, register)
    return revoked


def verify(code: str, issuer_folder: Path) -> Entry | None:
    """The certificate a code belongs to (revoked or not), if the register holds it and the code
    is genuine; ValueError saying where it looked when there is no register at all."""
    path = issuer_folder / REGISTER_FILE
    if not path.is_file():
        raise ValueError(
            f"no certificate register ({REGISTER_FILE}) in {issuer_folder}, so no code can be "
            "checked here; it is written by `kurskit grade certificates` into the issuer's "
            "folder (set KURSKIT_ISSUER_DIR or --issuer to the folder that issued it)"
        )
    from kurskit.grading.issuer import read_issuer

    entry = read_register(issuer_folder).get(normalise(code))
    if entry is None:
        return None
    genuine = make_code(read_issuer(issuer_folder), entry.course, entry.learner, entry.issued)
    return entry if hmac.compare_digest(genuine, entry.code) else None


def _write(issuer: Issuer, register: dict[str, Entry]) -> None:
    fields = {
        code: {k: v for k, v in e.__dict__.items() if k != "code"} for code, e in register.items()
    }
    write_text_atomically(
        issuer.folder / REGISTER_FILE,
        json.dumps(fields, indent=2, ensure_ascii=False, sort_keys=True),
        private=True,
    )
    published = {
        "issuer": {"id": issuer.id, "public_jwk": issuer.public_jwk},
        "certificates": {
            code_hash(e.code): {
                "name": e.name,
                "course": e.course,
                "title": e.title,
                "language": e.language,
                "issued": e.issued,
                "revoked_on": e.revoked_on,
                "reason": e.reason,
            }
            for e in register.values()
        },
    }
    write_text_atomically(
        issuer.folder / PUBLISHED_FILE, json.dumps(published, indent=2, ensure_ascii=False)
    )
