"""Open Badges 3.0 credentials for certificates: an `OpenBadgeCredential` (a W3C Verifiable
Credential in JSON-LD) with the course as its achievement, aligned to DigComp 2.2, signed by the
issuer as a VC-JWT (RS256, the public key in the JOSE header) as the specification describes."""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
import uuid
from typing import Any

from kurskit.course.digcomp import competences
from kurskit.course.model import Course
from kurskit.grading.issuer import Issuer
from kurskit.i18n import translate

CONTEXTS = [
    "https://www.w3.org/ns/credentials/v2",
    "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json",
]
SCHEMA = {
    "id": "https://purl.imsglobal.org/spec/ob/v3p0/schema/json/ob_v3p0_achievementcredential_schema.json",
    "type": "1EdTechJsonSchemaValidator2019",
}
#: The JRC's publication of DigComp 2.2, which the alignments point to.
DIGCOMP_URL = "https://publications.jrc.ec.europa.eu/repository/handle/JRC128415"
ALGORITHM = "RS256"
#: The JOSE headers the specification allows (it forbids any other).
ALLOWED_HEADERS = {"alg", "kid", "jwk", "typ"}


def credential(
    course: Course,
    issuer: Issuer,
    *,
    learner: str,
    name: str,
    email: str,
    code: str,
    issued: dt.date,
) -> dict[str, Any]:
    """The unsigned OpenBadgeCredential of one learner's certificate."""
    titles = competences(course.language)
    valid_from = dt.datetime.combine(issued, dt.time(), dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    subject_id = uuid.uuid5(uuid.NAMESPACE_URL, f"{issuer.id}/learners/{learner}")
    # The learner's identifier, hashed and salted as the specification's IdentityObject allows,
    # so the credential names the person without putting an address in clear text.
    salt = secrets.token_hex(8)
    identity, identity_type = (email.lower(), "emailAddress") if email else (name, "name")
    return {
        "@context": CONTEXTS,
        "id": issuer.verification_url(code),
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "name": course.title,
        "issuer": {
            "id": issuer.id,
            "type": ["Profile"],
            "name": course.issuer_name,
            **({"email": course.owners[0].email} if course.owners[0].email else {}),
        },
        "validFrom": valid_from,
        "credentialSubject": {
            "id": f"urn:uuid:{subject_id}",
            "type": ["AchievementSubject"],
            "identifier": [
                {
                    "type": "IdentityObject",
                    "identityHash": "sha256$"
                    + hashlib.sha256((identity + salt).encode()).hexdigest(),
                    "identityType": identity_type,
                    "hashed": True,
                    "salt": salt,
                }
            ],
            "achievement": {
                "id": f"{issuer.id}/achievements/{course.slug}",
                "type": ["Achievement"],
                "achievementType": "Course",
                "name": course.title,
                "description": course.summary,
                "criteria": {
                    "narrative": translate(
                        "certificate_criteria",
                        course.language,
                        threshold=round(course.threshold * 100),
                    )
                },
                "inLanguage": course.language,
                "alignment": [
                    {
                        "type": ["Alignment"],
                        "targetName": titles[code],
                        "targetUrl": DIGCOMP_URL,
                        "targetCode": code,
                        "targetFramework": "DigComp 2.2",
                        "targetType": "ceasn:Competency",
                    }
                    for code in course.competences
                ],
            },
        },
        "credentialSchema": [SCHEMA],
    }


def sign(document: dict[str, Any], issuer: Issuer) -> str:
    """The credential as a Compact JWS: the JWT payload is the credential with the claims the
    specification requires (iss, jti, nbf, sub), signed RS256 with the issuer's key."""
    import jwt

    valid_from = dt.datetime.strptime(document["validFrom"], "%Y-%m-%dT%H:%M:%SZ")
    claims = {
        **document,
        "iss": document["issuer"]["id"],
        "jti": document["id"],
        "nbf": int(valid_from.replace(tzinfo=dt.UTC).timestamp()),
        "sub": document["credentialSubject"]["id"],
    }
    return jwt.encode(
        claims,
        issuer.private_key(),
        algorithm=ALGORITHM,
        headers={"typ": "JWT", "jwk": issuer.public_jwk},
    )


def verify_signed(token: str, *, trusted_jwk: dict[str, Any] | None = None) -> dict[str, Any]:
    """The credential a Compact JWS carries, after the specification's checks: the signature
    with the header's public key (which must be `trusted_jwk` when given), and iss, sub, jti,
    nbf matching the credential. ValueError saying what failed."""
    import jwt

    header = jwt.get_unverified_header(token)
    extra = set(header) - ALLOWED_HEADERS
    if extra:
        raise ValueError(f"JOSE headers the specification forbids: {', '.join(sorted(extra))}")
    if header.get("alg") != ALGORITHM or "jwk" not in header or "d" in header["jwk"]:
        raise ValueError("the header must name RS256 and carry the public key (jwk)")
    if trusted_jwk is not None and _public(header["jwk"]) != _public(trusted_jwk):
        raise ValueError("signed with a key other than the issuer's")
    key = jwt.PyJWK.from_dict(header["jwk"], algorithm=ALGORITHM)
    try:
        claims: dict[str, Any] = jwt.decode(
            token,
            key,
            algorithms=[ALGORITHM],
            options={"require": ["iss", "jti", "nbf", "sub"], "verify_aud": False},
        )
    except jwt.InvalidTokenError as error:
        raise ValueError(f"the credential's signature or claims are not valid: {error}") from None
    expected_nbf = dt.datetime.strptime(claims["validFrom"], "%Y-%m-%dT%H:%M:%SZ").replace(
        tzinfo=dt.UTC
    )
    checks = {
        "iss": claims["issuer"]["id"],
        "sub": claims["credentialSubject"]["id"],
        "jti": claims["id"],
        "nbf": int(expected_nbf.timestamp()),
    }
    for claim, expected in checks.items():
        if claims[claim] != expected:
            raise ValueError(f"the claim {claim} does not match the credential")
    return {k: v for k, v in claims.items() if k not in checks}


def _public(jwk: dict[str, Any]) -> tuple[Any, Any]:
    return jwk.get("n"), jwk.get("e")
