"""Hidden tests of code exercises, run in the trusted process, never in the learner's kernel.

Hidden tests are written as ordinary Python asserts (``assert slugify("A b") == "a-b"``), with
helper variables, loops and comprehensions as needed. The names they use without defining
them are the learner's: a name that is only called is a learner function, called in the
learner's kernel with plain-data arguments (`kernel_calls`); any other is a learner variable,
read once as plain data. Everything else — the asserts, the expected values, the comparison
with the type-strict `equal` — runs here, so nothing the learner patches in their kernel
(``equal``, ``assert``, builtins, hooks, input transformers, ``__eq__``) can change a verdict,
and the tests' source never reaches the kernel, its history or a notebook.

A learner function that raises raises the same builtin exception here (``raises(ValueError)``
and ``try``/``except`` work); one that changes a list, dict or set it was given changes the
caller's copy the same way, so "the argument is left unchanged" is tested as usual.
"""

from __future__ import annotations

import ast
import builtins
import symtable
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any, Protocol

from kurskit.course.kernel_calls import KernelGoneError, Outcome
from kurskit.course.typed_asserts import IMPORT_LINE, typed_asserts
from kurskit.testing import equal

#: Builtins an author's hidden test may use (no files, no imports of learner modules).
BUILTIN_NAMES = frozenset(name for name in dir(builtins) if not name.startswith("_")) - {
    "open",
    "input",
    "breakpoint",
    "exit",
    "quit",
    "help",
}
#: Names a hidden test gets besides the builtins.
PROVIDED = frozenset({"equal", "raises"})
#: How long the trusted side of one exercise's hidden tests may run, besides the calls.
SCRIPT_SECONDS = 60.0


class HiddenTestsError(ValueError):
    """Hidden tests that cannot run outside the learner's kernel; `line` is in the tests."""

    def __init__(self, message: str, line: int | None = None) -> None:
        super().__init__(message)
        self.line = line


@dataclass(frozen=True)
class HiddenTests:
    """One exercise's hidden tests: their source and the learner names they use."""

    source: str
    functions: frozenset[str]
    values: frozenset[str]

    @classmethod
    def parse(cls, source: str) -> HiddenTests:
        """Read hidden tests; HiddenTestsError names what cannot run outside the kernel."""
        try:
            tree = ast.parse(source, "<hidden tests>")
            table = symtable.symtable(source, "<hidden tests>", "exec")
        except SyntaxError as error:
            raise HiddenTestsError(f"not valid Python: {error.msg}", error.lineno) from None
        for node in ast.walk(tree):
            if isinstance(node, ast.Import | ast.ImportFrom):
                raise HiddenTestsError(
                    "hidden tests cannot import: they run outside the learner's notebook",
                    node.lineno,
                )
            if isinstance(node, ast.Global | ast.Nonlocal):
                raise HiddenTestsError("hidden tests cannot use global or nonlocal", node.lineno)
        learner = _free_names(table) - BUILTIN_NAMES - PROVIDED
        called = {id(node.func) for node in ast.walk(tree) if isinstance(node, ast.Call)}
        names = [node for node in ast.walk(tree) if isinstance(node, ast.Name)]
        as_values = {node.id for node in names if id(node) not in called}
        functions = frozenset(learner - as_values)  # only ever called
        return cls(source, functions, frozenset(learner - functions))


def _free_names(table: symtable.SymbolTable) -> set[str]:
    """Names read somewhere in the source but bound nowhere in it (the learner's names)."""
    bound = {symbol.get_name() for symbol in table.get_symbols() if symbol.is_assigned()}
    bound |= {symbol.get_name() for symbol in table.get_symbols() if symbol.is_imported()}
    read: set[str] = set()
    for scope in _scopes(table):
        for symbol in scope.get_symbols():
            top = scope is table
            if symbol.is_referenced() and (symbol.is_global() or top):
                read.add(symbol.get_name())
    return read - bound


def _scopes(table: symtable.SymbolTable) -> Iterator[symtable.SymbolTable]:
    yield table
    for child in table.get_children():
        yield from _scopes(child)


class Calls(Protocol):
    """How hidden tests reach the learner's kernel (see `kernel_calls.KernelCalls`)."""

    def call(self, name: str, args: list[Any], kwargs: dict[str, Any]) -> Outcome: ...

    def value(self, name: str) -> Outcome: ...


@dataclass(frozen=True)
class Verdict:
    """Whether an exercise's hidden tests passed, and if not, why (safe to show a learner:
    it never quotes the tests)."""

    passed: bool
    reason: str = ""
    kernel_lost: bool = False  # the kernel died or hung: a run to look at, not a wrong answer


class _Stop(BaseException):
    """Ends a run of hidden tests; a BaseException so no ``except Exception`` in them hides it."""

    def __init__(self, reason: str, kernel_lost: bool = False) -> None:
        super().__init__(reason)
        self.kernel_lost = kernel_lost


class LearnerError(Exception):
    """Raised here for an exception the learner's code raised that is no builtin exception."""


class _LearnerFunction:
    """A learner function as hidden tests see it: each call runs in the learner's kernel."""

    def __init__(self, name: str, calls: Calls) -> None:
        self.name = name
        self.calls = calls

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        try:
            outcome = self.calls.call(self.name, list(args), kwargs)
        except KernelGoneError as error:
            raise _Stop(f"{error} while {self.name} was running", kernel_lost=True) from None
        except ValueError as error:  # an argument that is not plain data: the author's mistake
            raise _Stop(f"a hidden test passed {self.name} {error}") from None
        if outcome.missing:
            raise _Stop(f"{self.name} is not defined")
        if outcome.failure:
            raise _Stop(f"{self.name} {outcome.failure}")
        if outcome.raised is not None:
            raise _learner_exception(self.name, *outcome.raised)
        if outcome.after is not None:
            after_args, after_kwargs = outcome.after
            for given, changed in zip(args, after_args, strict=False):
                _mirror(given, changed)
            for key, given in kwargs.items():
                _mirror(given, after_kwargs.get(key))
        return outcome.value


def _learner_exception(function: str, name: str, message: str) -> Exception:
    kind = getattr(builtins, name, None)
    text = f"{function} raised {name}" + (f": {message}" if message else "")
    if isinstance(kind, type) and issubclass(kind, Exception):
        return kind(text)
    return LearnerError(text)


def _mirror(given: Any, changed: Any) -> None:
    """Make the caller's list, dict or set what the learner's function left it as."""
    if equal(changed, given):
        return
    if type(given) is list and type(changed) is list:
        given[:] = changed
    elif type(given) in (dict, set) and type(changed) is type(given):
        given.clear()
        given.update(changed)


@contextmanager
def raises(*kinds: type[BaseException]) -> Iterator[None]:
    """``with raises(ValueError): f(-1)`` passes only if the call raises one of `kinds`."""
    try:
        yield
    except kinds:
        return
    names = " or ".join(kind.__name__ for kind in kinds)
    raise AssertionError(f"expected {names} to be raised")


def run_hidden_tests(tests: HiddenTests, calls: Calls) -> Verdict:
    """Run hidden tests here against the learner's kernel; the verdict (blocking)."""
    namespace: dict[str, Any] = {
        "__builtins__": {name: getattr(builtins, name) for name in BUILTIN_NAMES},
        "__name__": "__hidden_tests__",
        "equal": equal,
        "raises": raises,
    }
    try:
        for name in sorted(tests.values):
            outcome = calls.value(name)
            if outcome.missing:
                return Verdict(False, f"{name} is not defined")
            if outcome.failure:
                return Verdict(False, f"{name} {outcome.failure}")
            namespace[name] = outcome.value
        for name in tests.functions:
            namespace[name] = _LearnerFunction(name, calls)
        code = compile(_checked_source(tests.source), "<hidden tests>", "exec")
        exec(code, namespace)
    except KernelGoneError as error:
        return Verdict(False, str(error), kernel_lost=True)
    except _Stop as stop:
        return Verdict(False, str(stop), kernel_lost=stop.kernel_lost)
    except AssertionError as error:
        message = str(error).strip()
        return Verdict(False, "a hidden test failed" + (f": {message}" if message else ""))
    except Exception as error:
        return Verdict(False, f"a hidden test failed: {type(error).__name__}: {error}")
    return Verdict(True)


def _checked_source(source: str) -> str:
    """The tests with ``assert a == b`` made type-strict, and no import line (``equal`` is
    provided: hidden tests may not import)."""
    rewritten = typed_asserts(source)
    return "\n".join(line for line in rewritten.splitlines() if line != IMPORT_LINE)


def run_in_thread(tests: HiddenTests, calls: Calls, seconds: float = SCRIPT_SECONDS) -> Verdict:
    """`run_hidden_tests` in a daemon thread, given up after `seconds` (an author's endless
    loop must not hang the grader; `kurskit check --execute` finds it first)."""
    verdicts: list[Verdict] = []
    thread = threading.Thread(
        target=lambda: verdicts.append(run_hidden_tests(tests, calls)),
        name="hidden-tests",
        daemon=True,
    )
    thread.start()
    thread.join(seconds)
    if not verdicts:
        limit = f"time limit of {seconds:g} s exceeded"
        return Verdict(False, f"the hidden tests did not finish: {limit}", kernel_lost=True)
    return verdicts[0]
