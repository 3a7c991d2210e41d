"""Browser assets shared by the live widgets and the static book: one renderer, one style."""

from pathlib import Path

ASSETS = Path(__file__).parent
QUESTION_JS = ASSETS / "question.js"
QUESTION_CSS = ASSETS / "question.css"

__all__ = ["ASSETS", "QUESTION_CSS", "QUESTION_JS"]
