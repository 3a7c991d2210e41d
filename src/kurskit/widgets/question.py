"""The learner's question widget: renders a learner view, checks with score(), saves to a sink."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

import anywidget
import traitlets

from kurskit.assets import QUESTION_CSS, QUESTION_JS
from kurskit.course.markup import inline_html, with_html
from kurskit.course.questions import QuestionBase
from kurskit.course.redact import learner_view
from kurskit.course.scoring import Result, score
from kurskit.i18n import catalogue, translate
from kurskit.store.records import AnswerSink, StoredAnswer
from kurskit.widgets.context import QuestionContext


def _empty(response: Any) -> bool:
    return response is None or response == "" or response == [] or response == {}


class QuestionWidget(anywidget.AnyWidget):
    """One question, any type. The browser gets the learner view only, never the answer key.

    Drive it from Python as the browser does: set `response`, then call `check()`.
    """

    _esm = QUESTION_JS
    _css = QUESTION_CSS

    view = traitlets.Dict().tag(sync=True)
    strings = traitlets.Dict().tag(sync=True)
    response = traitlets.Any(None, allow_none=True).tag(sync=True)
    result = traitlets.Dict().tag(sync=True)
    save_state = traitlets.Unicode("idle").tag(sync=True)
    save_message = traitlets.Unicode("").tag(sync=True)
    notice = traitlets.Unicode("").tag(sync=True)
    locked = traitlets.Bool(False).tag(sync=True)

    def __init__(
        self,
        view: dict[str, Any],
        *,
        context: QuestionContext,
        sink: AnswerSink | None,
        spec: QuestionBase | None = None,
    ) -> None:
        super().__init__(view=with_html(view), strings=catalogue(context.language))
        self._spec = spec
        self._context = context
        self._sink = sink
        self._pending_key: str | None = None  # reused when a save fails, so a retry is not a twin
        self._history: list[StoredAnswer] = []
        self._earlier = ""  # "your earlier answer from …", once read back from the sink
        self.on_msg(self._on_browser_message)
        self._restore()

    # --- what the browser (or a test) does --------------------------------------------------

    def check(self) -> StoredAnswer | None:
        """The learner pressed the button: check and save the current response."""
        if self.locked:
            return None
        if self.view["type"] == "code":
            self._run_visible_checks()
            return None
        if _empty(self.response):
            self._show("invalid", message="no_answer")
            return None
        result = self._score(self.response)
        if result.status == "invalid":
            self._show("invalid", **self._invalid_message())
            return None
        stored = self._save(result)
        if stored is not None:
            self._show_result(result)
            self._update_attempts()
        return stored

    def _on_browser_message(
        self, _widget: object, content: dict[str, Any], _buffers: object
    ) -> None:
        if content.get("kind") == "check":
            self.response = content.get("response")
            self.check()

    # --- scoring and saving -------------------------------------------------------------------

    @property
    def _graded(self) -> bool:
        return bool(self.view.get("graded"))

    def _score(self, response: Any) -> Result:
        points = float(self.view.get("points", 0))
        if self._spec is None or self._graded:
            # Graded answers are scored by the grader, never in the learner's kernel.
            return Result(None, points, None, status="pending")
        return score(self._spec, response)

    def _save(self, result: Result) -> StoredAnswer | None:
        if self._sink is None:
            return None
        self._pending_key = self._pending_key or uuid.uuid4().hex
        self.save_state, self.save_message = "saving", self._t("saving")
        try:
            stored = self._sink.submit(
                course=self._context.course,
                module=self._context.module,
                question_id=self.view["id"],
                response=self.response,
                result=result,
                idempotency_key=self._pending_key,
            )
        except Exception as error:
            self.save_state = "error"
            self.save_message = self._t("not_saved", reason=str(error) or type(error).__name__)
            return None
        self._pending_key = None
        self._history.append(stored)
        self.save_state = "saved"
        self.save_message = self._t("saved", time=_local_time(stored.timestamp))
        return stored

    # --- showing results ----------------------------------------------------------------------

    def _show(
        self,
        verdict: str,
        *,
        message: str = "",
        values: dict[str, Any] | None = None,
        feedback: list[str] | None = None,
        option_feedback: dict[str, str] | None = None,
        points: tuple[float | None, float] | None = None,
    ) -> None:
        """Publish a result; the renderer words it from the catalogue (`message` is a key)."""
        self.result = {
            "verdict": verdict,
            "message": message,
            "values": values or {},
            "score": points[0] if points else None,
            "max": points[1] if points else None,
            "feedback_html": [inline_html(text) for text in feedback or []],
            "option_feedback_html": {k: inline_html(v) for k, v in (option_feedback or {}).items()},
        }

    def _show_result(self, result: Result) -> None:
        if self._graded:
            self._show_graded()
        elif result.status == "pending":
            self._show("pending")
        elif result.correct is None:
            self._show("thanks")
        else:
            per_option = self._option_feedback()
            # Option feedback is shown beside its option; the status keeps the rest.
            general = [text for text in result.feedback if text not in per_option.values()]
            self._show(
                _verdict(result.correct, result.score),
                feedback=general,
                option_feedback=per_option,
                points=(result.score, result.max),
            )

    def _show_graded(self) -> None:
        released = self._sink is not None and self._sink.feedback_released(
            course=self._context.course, module=self._context.module
        )
        latest = self._history[-1] if self._history else None
        if released and latest is not None and latest.score is not None:
            self._show(
                _verdict(latest.correct, latest.score), points=(latest.score, latest.max_score)
            )
        else:
            self._show("submitted")

    def _option_feedback(self) -> dict[str, str]:
        """Feedback of the options the learner picked (practice questions only)."""
        options = getattr(self._spec, "options", None) or []
        picked = self.response if isinstance(self.response, list) else [self.response]
        return {o.id: o.feedback for o in options if o.id in picked and o.feedback}

    def _invalid_message(self) -> dict[str, Any]:
        kind = self.view["type"]
        if kind == "numeric":
            return {"message": "not_a_number"}
        if kind == "reflection" and self.view.get("min_words"):
            return {"message": "min_words", "values": {"count": self.view["min_words"]}}
        return {"message": "no_answer"}

    def _run_visible_checks(self) -> None:
        # The visible tests are in the learner's view (the learner edition has no full spec of a
        # code exercise, whose solution and hidden tests stay with the grader).
        tests = self.view.get("tests", "")
        if self.view.get("type") != "code" or not tests.strip():
            return
        from IPython import get_ipython

        shell = get_ipython()
        if shell is None:
            return
        outcome = shell.run_cell(tests, silent=True, store_history=False)
        error = outcome.error_in_exec or outcome.error_before_exec
        if error is None:
            self._show("passed", message="checks_passed")
        else:
            reason = f"{type(error).__name__}: {error}".rstrip(": ")
            self._show("failed", message="checks_failed", values={"reason": reason})

    # --- reopening ----------------------------------------------------------------------------

    def _restore(self) -> None:
        """Read the learner's earlier answers back: refill the last one and count attempts."""
        if self._sink is None:
            return
        try:
            self._history = self._sink.my_answers(
                course=self._context.course,
                module=self._context.module,
                question_id=self.view["id"],
            )
        except Exception as error:
            self.save_state = "error"
            self.save_message = self._t("not_saved", reason=str(error) or type(error).__name__)
            return
        if self._history:
            latest = self._history[-1]
            self.response = latest.response
            self._show_result(self._score(latest.response))
            self._earlier = self._t("earlier_answer", time=_local_time(latest.timestamp))
        self._update_attempts()

    def _update_attempts(self) -> None:
        """Lock the question when its attempts are used up; say how many are left."""
        allowed = self.view.get("attempts")
        attempts = ""
        if allowed:
            left = max(0, int(allowed) - len(self._history))
            self.locked = left == 0
            attempts = (
                self._t("no_attempts_left")
                if left == 0
                else self._t("attempts_left", left=left, total=allowed)
            )
        self.notice = " ".join(part for part in (self._earlier, attempts) if part)

    def _t(self, key: str, **values: Any) -> str:
        return translate(key, self._context.language, **values)


def _verdict(correct: bool | None, earned: float | None) -> str:
    return "correct" if correct else ("partly" if earned else "incorrect")


def _local_time(moment: dt.datetime) -> str:
    return moment.astimezone().strftime("%d.%m.%Y %H:%M")


def learner_widget(
    spec: QuestionBase, *, context: QuestionContext, sink: AnswerSink | None
) -> QuestionWidget:
    """A widget for a full spec: the browser gets its view without the key, the kernel keeps it."""
    return QuestionWidget(learner_view(spec, hide_key=True), context=context, sink=sink, spec=spec)
