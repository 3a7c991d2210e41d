"""The course file (`course.yml`) as a typed model: one source of truth for its schema and docs."""

from __future__ import annotations

import datetime as dt
from enum import StrEnum
from typing import Annotated, Any, Literal

from pydantic import BeforeValidator, Field, field_validator, model_validator

from kurskit.course.digcomp import check_competence_code
from kurskit.course.questions import Strict
from kurskit.languages import Language

COURSE_SCHEMA_VERSION = 1
#: The course file in every course folder.
COURSE_FILE = "course.yml"


#: The pass threshold of a course that sets none: every point.
DEFAULT_PASS_THRESHOLD = 1.0


def _code_as_text(value: Any) -> Any:
    # `1.2` unquoted in YAML is a float; competence codes are text.
    return str(value) if isinstance(value, int | float) and not isinstance(value, bool) else value


CompetenceCode = Annotated[str, BeforeValidator(_code_as_text)]


class Status(StrEnum):
    """Where a course is in its life."""

    draft = "draft"
    published = "published"
    archived = "archived"


class Level(StrEnum):
    """Course level, named after the DigComp 2.2 proficiency bands."""

    foundation = "foundation"
    intermediate = "intermediate"
    advanced = "advanced"
    highly_specialised = "highly_specialised"


class ModuleKind(StrEnum):
    """What a module is for."""

    lesson = "lesson"
    practice = "practice"
    assessment = "assessment"
    survey = "survey"


class SessionKind(StrEnum):
    """How a session of the blended course is held."""

    in_person = "in-person"
    webinar = "webinar"
    self_study = "self-study"


class Owner(Strict):
    """Someone responsible for the course."""

    name: str = Field(min_length=1, description="Full name.")
    email: str = Field(default="", description="Contact address (optional).")
    organisation: str = Field(default="", description="Library, municipality or team (optional).")


class Signer(Strict):
    """Who signs the course's certificates."""

    name: str = Field(min_length=1, description="Full name printed under the signature line.")
    role: str = Field(default="", description="Their role, e.g. Head of learning (optional).")


class CertificateSettings(Strict):
    """How the course's certificates look."""

    show_result: bool = Field(
        default=False,
        description="Print the learner's result against the pass threshold on the certificate.",
    )
    logo: str = Field(
        default="",
        pattern=r"^$|^[^/\\][^\\]*\.(png|jpe?g|svg)$",
        description="The issuer's logo (PNG, JPEG or SVG) relative to the course folder "
        "(optional).",
    )
    signer: Signer | None = Field(
        default=None, description="Name and role on the signature line (optional)."
    )


#: What a background question may say about a respondent, from the coarsest to the finest.
BackgroundField = Literal["region", "municipality", "workplace", "role"]
#: The nested background fields: a workplace lies in a municipality, which lies in a region.
PLACE_FIELDS: tuple[BackgroundField, ...] = ("region", "municipality", "workplace")


class SurveySettings(Strict):
    """How a self-assessment survey is reported (`kurskit insight`)."""

    background: dict[BackgroundField, str] = Field(
        default_factory=dict,
        description="Which poll describes each respondent: region, municipality, workplace "
        "and role, each the id of a single-choice poll in the course.",
    )
    high_level: int = Field(
        default=5,
        ge=1,
        description="The lowest scale position that counts as a high self-rating (5 is "
        "DigComp's first advanced level).",
    )


class Module(Strict):
    """One notebook of the course, in course order."""

    file: str = Field(
        min_length=1,
        pattern=r"^[^/\\][^\\]*\.(ipynb|md)$",
        description="Notebook path relative to the course folder (.ipynb or MyST .md).",
    )
    title: str = Field(min_length=1, description="Title shown in menus and the catalog.")
    kind: ModuleKind = Field(description="lesson, practice, assessment or survey.")
    duration_minutes: int | None = Field(
        default=None, ge=1, description="Estimated minutes for this module (optional)."
    )


class Session(Strict):
    """A scheduled part of the blended course: an in-person meeting, a webinar or self-study."""

    title: str = Field(min_length=1, description="What the session is called.")
    kind: SessionKind = Field(description="in-person, webinar or self-study.")
    date: dt.datetime | dt.date | None = Field(
        default=None, description="When (ISO date, or date and time like 2027-02-03T10:00)."
    )
    place: str = Field(default="", description="Where, for in-person sessions.")
    link: str = Field(default="", description="Meeting link, for webinars.")
    duration_minutes: int | None = Field(default=None, ge=1, description="Length in minutes.")
    pre_tasks: list[str] = Field(
        default_factory=list, description="Module files to do before the session."
    )
    post_tasks: list[str] = Field(
        default_factory=list, description="Module files to do after the session."
    )

    @model_validator(mode="after")
    def _where(self) -> Session:
        if self.kind is SessionKind.webinar and self.place and not self.link:
            raise ValueError("a webinar needs a link, not a place")
        return self


class Course(Strict):
    """A course: its catalog facts, its modules in order, and how it is run."""

    schema_version: Literal[1] = Field(default=1, description="Version of this file format.")
    slug: str = Field(
        pattern=r"^[a-z0-9][a-z0-9-]*$",
        description="Short name: lower-case letters, digits and -; the course folder's name.",
    )
    title: str = Field(min_length=1, description="Course title, in the course language.")
    language: Language = Field(description="Course language: nb, nn, sv, da or en.")
    summary: str = Field(min_length=1, description="One or two sentences for the catalog.")
    audience: str = Field(min_length=1, description="Who the course is for.")
    level: Level = Field(
        description="foundation, intermediate, advanced or highly_specialised (DigComp bands)."
    )
    duration_minutes: int = Field(ge=1, description="Estimated total minutes for a learner.")
    competences: list[CompetenceCode] = Field(
        min_length=1, description="DigComp 2.2 competence codes, e.g. 1.2."
    )
    owners: list[Owner] = Field(min_length=1, description="Who is responsible for the course.")
    review_by: dt.date = Field(description="Date by which the content must be reviewed again.")
    status: Status = Field(default=Status.draft, description="draft, published or archived.")
    modules: list[Module] = Field(min_length=1, description="The notebooks, in course order.")
    sessions: list[Session] = Field(
        default_factory=list, description="Optional session plan of the blended course."
    )
    pass_threshold: float | None = Field(
        default=None,
        gt=0,
        le=1,
        description="Share of assessment points needed to pass, e.g. 0.8 for 80 %.",
    )
    certificate: CertificateSettings = Field(
        default_factory=CertificateSettings,
        description="Logo, signer and whether the result is shown on certificates (optional).",
    )
    survey: SurveySettings | None = Field(
        default=None,
        description="For a self-assessment: its background questions and what counts as a "
        "high self-rating (optional).",
    )
    catalog_rating: bool = Field(
        default=False,
        description="Show the mean course feedback rating on the course's catalog card in "
        "the book, once at least five learners gave one (read from the answer store when "
        "`kurskit book build` runs).",
    )

    @field_validator("competences")
    @classmethod
    def _known_competences(cls, codes: list[str]) -> list[str]:
        for code in codes:
            check_competence_code(code)
        if len(set(codes)) != len(codes):
            raise ValueError("a competence is listed twice")
        return codes

    @field_validator("pass_threshold", mode="before")
    @classmethod
    def _fraction(cls, value: Any) -> Any:
        if isinstance(value, int | float) and not isinstance(value, bool) and 1 < value <= 100:
            raise ValueError(
                f"write the pass threshold as a share, e.g. {value / 100:g} for {value} %"
            )
        return value

    def module(self, file: str) -> Module | None:
        return next((m for m in self.modules if m.file == file), None)

    @property
    def issuer_name(self) -> str:
        """Who issues the course's certificates: its owners' organisations, else their names."""
        organisations = [o.organisation for o in self.owners if o.organisation]
        return ", ".join(dict.fromkeys(organisations or [o.name for o in self.owners]))

    @property
    def threshold(self) -> float:
        """The share needed to pass: `pass_threshold`, or every point when none is set (a
        course with an assessment must set one; `kurskit check` says so)."""
        return DEFAULT_PASS_THRESHOLD if self.pass_threshold is None else self.pass_threshold
