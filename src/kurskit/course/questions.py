"""Question specs: one declarative schema for every question type a course can hold."""

from __future__ import annotations

import hashlib
import string
from typing import Annotated, Any, ClassVar, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    TypeAdapter,
    ValidationInfo,
    field_validator,
    model_validator,
)

from kurskit.course.digcomp import check_competence_code
from kurskit.course.hidden_tests import HiddenTests, HiddenTestsError
from kurskit.course.yamlsource import load_plain

QUESTION_ID_PATTERN = r"^[a-z0-9][a-z0-9_-]*$"
OPTION_ID_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9_-]*$"


class Strict(BaseModel):
    """Base for every course-file model: unknown fields are errors (they are usually typos)."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True, allow_inf_nan=False)


class Option(Strict):
    """One choice a learner can pick (or one item to put in order)."""

    id: str = Field(
        default="",
        pattern=r"^$|" + OPTION_ID_PATTERN,
        description="Short key of the option (default: a, b, c … by position).",
    )
    text: str = Field(min_length=1, description="What the learner sees (Markdown).")
    feedback: str = Field(default="", description="Shown to the learner after picking this option.")


OptionInput = Annotated[
    Option | str,
    Field(description="An option: plain text, or an object with id, text and feedback."),
]


def _normalise_options(raw: list[Any], *, ids_by_text: bool = False) -> list[Option]:
    """Turn plain strings into options, give each an id, refuse twins.

    Ids default to a, b, c … by position, or, with `ids_by_text`, to a hash of the text, for
    ordering items, whose position is the answer and must not show in their ids.
    """
    options: list[Option] = []
    seen: set[str] = set()
    for position, item in enumerate(raw):
        option = Option(text=item) if isinstance(item, str) else item
        if not option.id:
            default = _text_id(option.text) if ids_by_text else _letter_id(position)
            option = option.model_copy(update={"id": default})
        if option.id in seen:
            raise ValueError(f"two options have the id '{option.id}'; give each a different id")
        seen.add(option.id)
        options.append(option)
    return options


def _text_id(text: str) -> str:
    return "i" + hashlib.sha256(text.encode()).hexdigest()[:7]


def _letter_id(position: int) -> str:
    """a … z, aa … zz, aaa …: as spreadsheet columns, for any number of options."""
    letters = string.ascii_lowercase
    number, found = position + 1, ""
    while number:
        number, rest = divmod(number - 1, len(letters))
        found = letters[rest] + found
    return found


class AnswerFeedback(Strict):
    """Feedback for the whole answer, shown after the specific option or answer feedback."""

    correct: str = Field(default="", description="Shown when the answer earns full marks.")
    incorrect: str = Field(default="", description="Shown when it does not.")


class QuestionBase(Strict):
    """Fields every question type has."""

    id: str = Field(
        pattern=QUESTION_ID_PATTERN,
        description="Stable id, unique in the course: lower-case letters, digits, - and _.",
    )
    prompt: str = Field(
        min_length=1, description="The question as the learner reads it (Markdown)."
    )
    points: float = Field(default=1.0, ge=0, description="Points for a full-mark answer.")
    graded: bool = Field(
        default=False,
        description="True for assessment questions: the answer key never reaches the learner.",
    )
    attempts: int | None = Field(
        default=None, ge=1, description="How many tries a learner gets (empty: unlimited)."
    )
    feedback: AnswerFeedback = Field(
        default_factory=AnswerFeedback, description="Feedback on the whole answer."
    )

    #: Fields holding the answer key or hints at it; removed from graded questions for learners.
    #: "options.feedback" means the feedback field of every option.
    answer_key_fields: ClassVar[frozenset[str]] = frozenset({"feedback"})

    @property
    def has_right_answer(self) -> bool:
        return True

    @property
    def manually_graded(self) -> bool:
        return False


class ChoiceBase(QuestionBase):
    """Questions with a list of options."""

    options: list[OptionInput] = Field(min_length=2, description="The choices, in display order.")

    @field_validator("options")
    @classmethod
    def _ids(cls, raw: list[Any]) -> list[Option]:
        return _normalise_options(raw)

    @property
    def option_list(self) -> list[Option]:
        return [o for o in self.options if isinstance(o, Option)]

    @property
    def option_ids(self) -> list[str]:
        return [o.id for o in self.option_list]

    def option(self, option_id: str) -> Option | None:
        return next((o for o in self.option_list if o.id == option_id), None)


def _known_options(keys: list[str], info: ValidationInfo) -> None:
    """Raise unless every key names one of the options validated before it."""
    options = info.data.get("options")
    if not options:  # the options themselves are wrong; that error is reported already
        return
    ids = [o.id for o in options]
    unknown = [k for k in keys if k not in ids]
    if unknown:
        raise ValueError(
            f"answer names option '{unknown[0]}', but the options are {', '.join(ids)}"
        )


class SingleChoice(ChoiceBase):
    """Pick exactly one option; one of them is right."""

    type: Literal["single_choice"]
    answer: str = Field(description="Id of the right option (a, b, c … by default).")
    answer_key_fields = frozenset({"answer", "feedback", "options.feedback"})

    @field_validator("answer")
    @classmethod
    def _answer_is_an_option(cls, answer: str, info: ValidationInfo) -> str:
        _known_options([answer], info)
        return answer


class MultipleChoice(ChoiceBase):
    """Pick every right option; partial credit by default."""

    type: Literal["multiple_choice"]
    answer: list[str] = Field(min_length=1, description="Ids of every right option.")
    scoring: Literal["partial", "all_or_nothing"] = Field(
        default="partial",
        description=(
            "partial: (right picks − wrong picks) ÷ number of right options, never below 0; "
            "all_or_nothing: full points only for exactly the right set."
        ),
    )
    answer_key_fields = frozenset({"answer", "feedback", "options.feedback"})

    @field_validator("answer")
    @classmethod
    def _answers_are_options(cls, answer: list[str], info: ValidationInfo) -> list[str]:
        _known_options(answer, info)
        if len(set(answer)) != len(answer):
            raise ValueError("answer lists the same option twice")
        return answer


class TrueFalse(QuestionBase):
    """A statement that is either true or false."""

    type: Literal["true_false"]
    answer: bool = Field(description="true or false.")
    answer_key_fields = frozenset({"answer", "feedback"})


class Numeric(QuestionBase):
    """A number, right within a tolerance; a decimal comma is accepted."""

    type: Literal["numeric"]
    answer: float = Field(description="The right number.")
    tolerance: float = Field(default=0.0, ge=0, description="How far off an answer may be.")
    unit: str = Field(default="", description="Unit shown after the input field, e.g. %.")
    answer_key_fields = frozenset({"answer", "tolerance", "feedback"})


class AcceptedAnswer(Strict):
    """One accepted short-text answer, with optional feedback."""

    text: str = Field(min_length=1)
    feedback: str = ""


class ShortText(QuestionBase):
    """A short typed answer compared with the accepted answers after normalising."""

    type: Literal["short_text"]
    accept: list[AcceptedAnswer | str] = Field(
        min_length=1,
        description="Accepted answers; case, accents in Unicode form and extra spaces are ignored.",
    )
    case_sensitive: bool = Field(default=False, description="Compare letter case too.")
    answer_key_fields = frozenset({"accept", "feedback"})

    @field_validator("accept")
    @classmethod
    def _objects(cls, raw: list[Any]) -> list[AcceptedAnswer]:
        return [AcceptedAnswer(text=a) if isinstance(a, str) else a for a in raw]

    @property
    def accepted(self) -> list[AcceptedAnswer]:
        return [a for a in self.accept if isinstance(a, AcceptedAnswer)]


class Ordering(QuestionBase):
    """Put items in order; the spec lists them in the right order, learners see them shuffled."""

    type: Literal["ordering"]
    items: list[OptionInput] = Field(
        min_length=2, description="The items in the RIGHT order; learners see them shuffled."
    )
    scoring: Literal["partial", "all_or_nothing"] = Field(
        default="partial",
        description="partial: share of items in the right place; all_or_nothing: all or nothing.",
    )
    answer_key_fields = frozenset({"items.order", "feedback", "items.feedback"})

    @field_validator("items")
    @classmethod
    def _ids(cls, raw: list[Any]) -> list[Option]:
        return _normalise_options(raw, ids_by_text=True)

    @property
    def item_list(self) -> list[Option]:
        return [o for o in self.items if isinstance(o, Option)]

    @property
    def answer(self) -> list[str]:
        return [o.id for o in self.item_list]


class Likert(QuestionBase):
    """Self-assessment on a labelled scale, optionally tied to a DigComp competence."""

    type: Literal["likert"]
    scale: list[str] = Field(
        min_length=2, max_length=10, description="Scale labels from lowest to highest."
    )
    competence: str | None = Field(
        default=None, description="DigComp 2.2 competence the statement measures, e.g. 1.2."
    )
    points: float = Field(default=0.0, ge=0, description="Points for answering at all.")
    answer_key_fields = frozenset()

    @field_validator("competence")
    @classmethod
    def _known(cls, code: str | None) -> str | None:
        return None if code is None else check_competence_code(code)

    @property
    def has_right_answer(self) -> bool:
        return False


class Reflection(QuestionBase):
    """Free-text reflection, graded by hand when graded."""

    type: Literal["reflection"]
    min_words: int = Field(default=0, ge=0, description="Fewest words that count as an answer.")
    points: float = Field(default=0.0, ge=0, description="Points when graded by hand.")
    answer_key_fields = frozenset({"feedback"})

    @property
    def has_right_answer(self) -> bool:
        return False

    @property
    def manually_graded(self) -> bool:
        return self.graded


class Poll(QuestionBase):
    """A poll: options without a right answer."""

    type: Literal["poll"]
    options: list[OptionInput] = Field(min_length=2, description="The choices.")
    multiple: bool = Field(default=False, description="Let the learner pick more than one.")
    points: float = Field(default=0.0, ge=0)
    graded: Literal[False] = Field(default=False, description="Polls are never graded.")
    answer_key_fields = frozenset()

    @field_validator("options")
    @classmethod
    def _ids(cls, raw: list[Any]) -> list[Option]:
        return _normalise_options(raw)

    @property
    def option_list(self) -> list[Option]:
        return [o for o in self.options if isinstance(o, Option)]

    @property
    def option_ids(self) -> list[str]:
        return [o.id for o in self.option_list]

    @property
    def has_right_answer(self) -> bool:
        return False


class CourseFeedback(QuestionBase):
    """Course feedback: a rating and an optional comment."""

    type: Literal["feedback"]
    scale: int = Field(
        default=5, ge=2, le=10, description="Highest rating (ratings run 1 … scale)."
    )
    comment: bool = Field(default=True, description="Offer a comment box.")
    points: float = Field(default=0.0, ge=0)
    graded: Literal[False] = Field(default=False, description="Feedback is never graded.")
    answer_key_fields = frozenset()

    @property
    def has_right_answer(self) -> bool:
        return False


class CodeExercise(QuestionBase):
    """Write code; visible tests help the learner, hidden tests are run by the grader."""

    type: Literal["code"]
    starter: str = Field(default="", description="Code the learner starts from.")
    solution: str = Field(min_length=1, description="A model solution (never released).")
    tests: str = Field(
        default="", description="Visible tests: Python asserts the learner may read."
    )
    hidden_tests: str = Field(
        default="",
        description=(
            "Hidden tests, run only when grading and outside the learner's notebook: Python "
            "asserts that call the learner's functions with plain data (no imports)."
        ),
    )
    timeout: int = Field(default=30, ge=1, le=600, description="Seconds the tests may run.")
    answer_key_fields = frozenset({"solution", "hidden_tests", "feedback"})

    @field_validator("hidden_tests")
    @classmethod
    def _runs_outside_the_kernel(cls, source: str) -> str:
        try:
            HiddenTests.parse(source)
        except HiddenTestsError as error:
            where = f"line {error.line} of the hidden tests: " if error.line else ""
            raise ValueError(f"{where}{error}") from None
        return source

    @model_validator(mode="after")
    def _some_test(self) -> CodeExercise:
        if not (self.tests.strip() or self.hidden_tests.strip()):
            raise ValueError("a code exercise needs tests or hidden_tests, or nothing can grade it")
        return self

    @property
    def manually_graded(self) -> bool:
        return False


Question = Annotated[
    SingleChoice
    | MultipleChoice
    | TrueFalse
    | Numeric
    | ShortText
    | Ordering
    | Likert
    | Reflection
    | Poll
    | CourseFeedback
    | CodeExercise,
    Field(discriminator="type"),
]

QUESTION_TYPES: dict[str, type[QuestionBase]] = {
    "single_choice": SingleChoice,
    "multiple_choice": MultipleChoice,
    "true_false": TrueFalse,
    "numeric": Numeric,
    "short_text": ShortText,
    "ordering": Ordering,
    "likert": Likert,
    "reflection": Reflection,
    "poll": Poll,
    "feedback": CourseFeedback,
    "code": CodeExercise,
}

question_adapter: TypeAdapter[Question] = TypeAdapter(Question)


def parse_question(data: Any) -> Question:
    """Validate raw data (e.g. parsed YAML) as a question spec; raises pydantic.ValidationError."""
    return question_adapter.validate_python(data)


def parse_question_text(body: str) -> Question:
    """A question cell's YAML body as a spec, read as `kurskit check` reads it (libyaml, dates
    left as text); raises yaml.YAMLError or pydantic.ValidationError."""
    return parse_question(load_plain(body))
