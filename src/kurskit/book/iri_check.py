"""jsonschema's IRI format check, loaded when something first checks an IRI, not at import."""

from __future__ import annotations

import importlib
import importlib.util
import sys
import types
from typing import Any

PACKAGE = "rfc3987_syntax"


def defer_iri_grammar() -> None:
    """Let `import jsonschema` skip compiling rfc3987-syntax's grammar.

    nbformat imports jsonschema, whose format module imports rfc3987-syntax, which builds 39
    Earley parsers at import: 1-2 s of a 7 s book build, for the "iri" formats of draft 7 and
    later that neither nbformat (draft 4) nor Jupyter Book checks. In its place goes a stand-in
    that imports the real package the first time one of its names is used.
    """
    if PACKAGE in sys.modules or "jsonschema._format" in sys.modules:
        return
    spec = importlib.util.find_spec(PACKAGE)
    if spec is None or spec.submodule_search_locations is None:
        return
    stand_in = types.ModuleType(PACKAGE, "rfc3987-syntax, imported on first use (kurskit).")
    # Its submodules are found in the real package's folder.
    stand_in.__path__ = list(spec.submodule_search_locations)
    stand_in.__spec__ = spec

    stand_in.is_valid_syntax = _is_valid_syntax  # type: ignore[attr-defined]
    stand_in.__getattr__ = _attribute  # type: ignore[method-assign]
    sys.modules[PACKAGE] = stand_in


def _is_valid_syntax(term: str, value: str) -> bool:
    return bool(_real().is_valid_syntax(term, value))


def _attribute(name: str) -> Any:
    return getattr(_real(), name)


def _real() -> types.ModuleType:
    # The package's __init__ only re-exports syntax_helpers.
    return importlib.import_module(f"{PACKAGE}.syntax_helpers")
