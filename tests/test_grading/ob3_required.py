"""What Open Badges 3.0 requires of an OpenBadgeCredential, as the specification states it
(1EdTech, Open Badges Specification v3.0, its data model's AchievementCredential and the
classes it uses), written here as a JSON Schema of our own.

The specification's own JSON Schema is published under IMS's specification licence, which
allows redistributing it only whole and by registered users, so it is not copied into this
project; `test_open_badges.py` also validates against it when KURSKIT_OB3_SCHEMA names a
downloaded copy."""

from __future__ import annotations

from typing import Any


def _typed(name: str) -> dict[str, Any]:
    """A `type` that is a set of IRIs containing `name` (a single string is allowed too)."""
    return {
        "oneOf": [
            {"const": name},
            {"type": "array", "minItems": 1, "items": {"type": "string"},
             "contains": {"const": name}},
        ]
    }  # fmt: skip


DATE_TIME_Z = {
    "type": "string",
    "pattern": r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)$",
}

PROFILE = {
    "type": "object",
    "required": ["id", "type"],
    "properties": {"id": {"type": "string", "format": "uri"}, "type": _typed("Profile")},
}
ALIGNMENT = {
    "type": "object",
    "required": ["type", "targetName", "targetUrl"],
    "properties": {
        "type": _typed("Alignment"),
        "targetName": {"type": "string"},
        "targetUrl": {"type": "string", "format": "uri"},
        "targetType": {
            "anyOf": [
                {"enum": ["ceasn:Competency", "ceterms:Credential", "CFItem", "CFRubric",
                          "CFRubricCriterion", "CFRubricCriterionLevel", "CTDL"]},
                {"type": "string", "pattern": "^ext:[A-Za-z0-9.\\-_]+$"},
            ]
        },
    },
}  # fmt: skip
ACHIEVEMENT = {
    "type": "object",
    "required": ["id", "type", "criteria", "description", "name"],
    "properties": {
        "id": {"type": "string", "format": "uri"},
        "type": _typed("Achievement"),
        "criteria": {"type": "object",
                     "anyOf": [{"required": ["id"]}, {"required": ["narrative"]}]},
        "alignment": {"type": "array", "items": ALIGNMENT},
    },
}  # fmt: skip
IDENTITY_OBJECT = {
    "type": "object",
    "required": ["type", "hashed", "identityHash", "identityType"],
    "properties": {
        "type": {"const": "IdentityObject"},
        "hashed": {"type": "boolean"},
        "identityHash": {"type": "string"},
        "identityType": {"type": "string"},
    },
}
ACHIEVEMENT_SUBJECT = {
    "type": "object",
    "required": ["type", "achievement"],
    # Either id or at least one identifier MUST be supplied.
    "anyOf": [{"required": ["id"]}, {"required": ["identifier"]}],
    "properties": {
        "type": _typed("AchievementSubject"),
        "achievement": ACHIEVEMENT,
        "identifier": {"type": "array", "items": IDENTITY_OBJECT},
    },
}
OPEN_BADGE_CREDENTIAL = {
    "$schema": "https://json-schema.org/draft/2019-09/schema",
    "type": "object",
    "required": ["@context", "id", "type", "credentialSubject", "issuer", "validFrom"],
    "properties": {
        "@context": {
            "type": "array",
            "minItems": 2,
            "prefixItems": [
                {"const": "https://www.w3.org/ns/credentials/v2"},
                {"type": "string",
                 "pattern": r"^https://purl\.imsglobal\.org/spec/ob/v3p0/context(-3\.\d\.\d)*\.json$"},
            ],
        },
        "id": {"type": "string", "format": "uri"},
        "type": {
            "allOf": [
                {"type": "array", "contains": {"const": "VerifiableCredential"}},
                {"type": "array",
                 "contains": {"enum": ["AchievementCredential", "OpenBadgeCredential"]}},
            ]
        },
        "issuer": PROFILE,
        "validFrom": DATE_TIME_Z,
        "validUntil": DATE_TIME_Z,
        "credentialSubject": ACHIEVEMENT_SUBJECT,
    },
}  # fmt: skip
