"""Learner-side widgets for every question type; answers go to a sink, never graded here."""

from kurskit.widgets.context import QuestionContext, context_for
from kurskit.widgets.profile import show_profile
from kurskit.widgets.question import QuestionWidget, learner_widget

__all__ = ["QuestionContext", "QuestionWidget", "context_for", "learner_widget", "show_profile"]
