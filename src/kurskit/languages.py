"""The languages courses and the interface are written in (nb first)."""

from typing import Literal

Language = Literal["nb", "nn", "sv", "da", "en"]
LANGUAGES: tuple[str, ...] = ("nb", "nn", "sv", "da", "en")
DEFAULT_LANGUAGE = "nb"
