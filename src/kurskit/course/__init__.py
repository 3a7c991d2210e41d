"""The course model: course files, notebooks, question specs, loading, checking and scoring."""

from kurskit.course.loading import LoadedCourse, find_course_folders, load_course
from kurskit.course.model import Course, Module, Session
from kurskit.course.problems import Problem
from kurskit.course.questions import QUESTION_TYPES, Question, parse_question
from kurskit.course.redact import learner_view
from kurskit.course.scoring import Result, score

__all__ = [
    "QUESTION_TYPES",
    "Course",
    "LoadedCourse",
    "Module",
    "Problem",
    "Question",
    "Result",
    "Session",
    "find_course_folders",
    "learner_view",
    "load_course",
    "parse_question",
    "score",
]
