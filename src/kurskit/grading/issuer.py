"""The certificate issuer's folder: its signing key, its code secret and its public profile,
kept in the instructor's own configuration, outside every course root and learner's home."""

from __future__ import annotations

import datetime as dt
import json
import os
import secrets
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import platformdirs

from kurskit.atomic import write_text_atomically

#: Overrides where the issuer's folder is (default: the user's kurskit configuration folder).
ISSUER_DIR_VARIABLE = "KURSKIT_ISSUER_DIR"
PRIVATE_KEY_FILE = "issuer-key.pem"
CODE_SECRET_FILE = "code-secret"
PROFILE_FILE = "issuer.json"
RSA_KEY_BITS = 3072


def default_issuer_dir() -> Path:
    """`$KURSKIT_ISSUER_DIR`, else `issuer/` in the user's kurskit configuration folder."""
    configured = os.environ.get(ISSUER_DIR_VARIABLE)
    if configured:
        return Path(configured).expanduser().resolve()
    return platformdirs.user_config_path("kurskit") / "issuer"


@dataclass(frozen=True)
class Issuer:
    """An issuer's folder, read: who signs, where certificates are verified, and the keys."""

    folder: Path
    #: The issuer profile's URI (Open Badges `issuer.id`).
    id: str
    #: A certificate's verification address is this followed by its code.
    verify_url: str
    public_jwk: dict[str, Any]

    def verification_url(self, code: str) -> str:
        return f"{self.verify_url}{code}"

    def private_key(self) -> Any:
        """The RSA signing key (cryptography's private key object)."""
        from cryptography.hazmat.primitives.serialization import load_pem_private_key

        return load_pem_private_key((self.folder / PRIVATE_KEY_FILE).read_bytes(), password=None)

    def code_secret(self) -> bytes:
        return (self.folder / CODE_SECRET_FILE).read_text("utf-8").strip().encode()


def create_issuer(folder: Path, *, issuer_id: str, verify_url: str, force: bool = False) -> Issuer:
    """A new signing key (RSA, for Open Badges' RS256), a code secret and the public profile in
    `folder` (mode 0700, private files 0600). Refuses to replace an existing key unless
    `force`: credentials signed with the old key would no longer verify against the profile."""
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import rsa
    from jwt.algorithms import RSAAlgorithm

    if (folder / PRIVATE_KEY_FILE).exists() and not force:
        raise ValueError(
            f"{folder / PRIVATE_KEY_FILE} exists already; certificates signed with it verify "
            "only against it (replace it with --force, which invalidates their badges)"
        )
    if not verify_url.endswith("/"):
        verify_url += "/"
    folder.mkdir(parents=True, exist_ok=True)
    folder.chmod(0o700)
    key = rsa.generate_private_key(public_exponent=65537, key_size=RSA_KEY_BITS)
    pem = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    write_text_atomically(folder / PRIVATE_KEY_FILE, pem.decode("ascii"), private=True)
    if not (folder / CODE_SECRET_FILE).exists():  # a new key keeps the codes verifiable
        write_text_atomically(folder / CODE_SECRET_FILE, secrets.token_hex(32), private=True)
    jwk: dict[str, Any] = json.loads(RSAAlgorithm.to_jwk(key.public_key()))
    jwk.update(kid=f"{issuer_id}#key-1", use="sig", alg="RS256")
    profile = {
        "id": issuer_id,
        "verify_url": verify_url,
        "public_jwk": jwk,
        "created": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
    }
    write_text_atomically(folder / PROFILE_FILE, json.dumps(profile, indent=2))
    return read_issuer(folder)


def read_issuer(folder: Path) -> Issuer:
    """The issuer in `folder`; ValueError naming the folder and the command when it has none."""
    profile_file = folder / PROFILE_FILE
    if not profile_file.is_file() or not (folder / PRIVATE_KEY_FILE).is_file():
        raise ValueError(
            f"no issuer key in {folder} (looked for {PROFILE_FILE} and {PRIVATE_KEY_FILE}); "
            f"create one with `kurskit grade keys`, or point {ISSUER_DIR_VARIABLE} at the "
            "issuer's folder"
        )
    profile = json.loads(profile_file.read_text("utf-8"))
    if "d" in profile["public_jwk"]:  # never publish a private key (RFC 7517, appendix A.2)
        raise ValueError(f"{profile_file} holds a private key; create the keys again")
    return Issuer(folder, profile["id"], profile["verify_url"], profile["public_jwk"])
