"""kurskit: a Jupyter-based blended-learning course kit."""

from typing import Any

__all__ = ["__version__", "load_ipython_extension"]


def __getattr__(name: str) -> Any:
    # The version is looked up on first use: reading the installed metadata costs every
    # `kurskit` command (and every learner kernel that imports the kit) a twentieth of a second.
    if name == "__version__":
        from importlib.metadata import PackageNotFoundError, version

        try:
            return version("kurskit")
        except PackageNotFoundError:  # running from a source tree without an install
            return "0.0.0"
    raise AttributeError(f"module 'kurskit' has no attribute {name!r}")


def load_ipython_extension(ipython: object) -> None:
    """`%load_ext kurskit`: register the `%%kurskit` question magic in this kernel."""
    from kurskit.magic import register

    register(ipython)
