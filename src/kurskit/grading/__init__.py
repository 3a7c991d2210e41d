"""Grading with nbgrader: source assignments and configuration generated from the course."""

from kurskit.grading.generate import SourceAssignment, generate_assignments, source_notebook

__all__ = ["SourceAssignment", "generate_assignments", "source_notebook"]
