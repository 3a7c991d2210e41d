"""Grading with nbgrader: assignments generated from the course, kurskit's parallel sandboxed
autograder, exports, course results and certificates (import the submodules)."""
