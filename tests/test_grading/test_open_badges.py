"""The Open Badges 3.0 credential beside each certificate: the required fields as the
specification states them, and a VC-JWT signature that verifies with the issuer's key only."""

from __future__ import annotations

import base64
import datetime as dt
import json
import os
from pathlib import Path
from typing import Any

import jsonschema
import jwt
import pytest

from kurskit.course.digcomp import competences
from kurskit.course.loading import load_course
from kurskit.grading.issuer import Issuer, create_issuer
from kurskit.grading.open_badges import credential, sign, verify_signed
from tests.factories import COURSE_YML, CourseFactory
from tests.test_grading.ob3_required import OPEN_BADGE_CREDENTIAL

CODE = "ABCD-0123-4567-89EF"


def badge(make_course: CourseFactory, issuer: Issuer, email: str = "") -> dict[str, Any]:
    course = load_course(make_course(COURSE_YML.replace("language: nb", "language: da"))).course
    assert course is not None
    return credential(
        course, issuer, learner="u4821", name="Åse Ørnes", email=email, code=CODE,
        issued=dt.date(2026, 12, 4),
    )  # fmt: skip


def test_the_credential_has_what_the_specification_requires(
    make_course: CourseFactory, issuer: Issuer
) -> None:
    document = badge(make_course, issuer, email="Ase@Example.org")
    validator = jsonschema.Draft201909Validator(
        OPEN_BADGE_CREDENTIAL, format_checker=jsonschema.Draft201909Validator.FORMAT_CHECKER
    )
    assert not [e.message for e in validator.iter_errors(document)]
    achievement = document["credentialSubject"]["achievement"]
    assert [a["targetCode"] for a in achievement["alignment"]] == ["1.1", "1.2"]
    assert achievement["alignment"][0]["targetName"] == competences("da")["1.1"]
    assert {a["targetFramework"] for a in achievement["alignment"]} == {"DigComp 2.2"}
    identity = document["credentialSubject"]["identifier"][0]
    assert identity["identityType"] == "emailAddress"
    assert "ase@example.org" not in json.dumps(document).lower()  # hashed, salted
    assert document["id"] == issuer.verification_url(CODE)
    # A document missing a required part is refused by the same schema (the check can fail).
    broken = {**document, "credentialSubject": {**document["credentialSubject"]}}
    del broken["credentialSubject"]["achievement"]
    assert list(validator.iter_errors(broken))


@pytest.mark.skipif(
    not os.environ.get("KURSKIT_OB3_SCHEMA"),
    reason="set KURSKIT_OB3_SCHEMA to 1EdTech's achievementcredential.json (not redistributable)",
)
def test_the_credential_validates_against_1edtechs_own_schema(
    make_course: CourseFactory, issuer: Issuer
) -> None:
    schema = json.loads(Path(os.environ["KURSKIT_OB3_SCHEMA"]).read_text("utf-8"))
    jsonschema.Draft201909Validator(schema).validate(badge(make_course, issuer))


def test_the_signature_verifies_with_the_issuers_key_and_nothing_else(
    make_course: CourseFactory, issuer: Issuer, tmp_path: Path
) -> None:
    document = badge(make_course, issuer)
    token = sign(document, issuer)
    header = jwt.get_unverified_header(token)
    assert header["alg"] == "RS256" and set(header) <= {"alg", "kid", "jwk", "typ"}
    assert "d" not in header["jwk"]  # the public key only
    claims = verify_signed(token, trusted_jwk=issuer.public_jwk)
    assert claims == document
    payload = jwt.decode(token, options={"verify_signature": False})
    assert payload["iss"] == document["issuer"]["id"]
    assert payload["sub"] == document["credentialSubject"]["id"]
    assert payload["jti"] == document["id"]
    assert payload["nbf"] == int(dt.datetime(2026, 12, 4, tzinfo=dt.UTC).timestamp())

    # A changed credential (another name on it) no longer verifies.
    head, _, signature = token.split(".")
    changed = {**payload, "name": "Forfalsket kurs"}
    forged_body = base64.urlsafe_b64encode(json.dumps(changed).encode()).rstrip(b"=").decode()
    with pytest.raises(ValueError, match="signature"):
        verify_signed(f"{head}.{forged_body}.{signature}")
    # Signed by someone else's key, with their public key in the header: valid on its own,
    # refused against the issuer's key.
    other = create_issuer(tmp_path / "other", issuer_id=issuer.id, verify_url=issuer.verify_url)
    foreign = sign(document, other)
    assert verify_signed(foreign) == document
    with pytest.raises(ValueError, match="key other than the issuer's"):
        verify_signed(foreign, trusted_jwk=issuer.public_jwk)
    # A claim that does not match the credential is refused.
    mismatched = jwt.encode(
        {**payload, "sub": "urn:uuid:someone-else"}, other.private_key(), algorithm="RS256",
        headers={"jwk": other.public_jwk},
    )  # fmt: skip
    with pytest.raises(ValueError, match="claim sub"):
        verify_signed(mismatched)
