"""kurskit: a Jupyter-based blended-learning course kit."""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("kurskit")
except PackageNotFoundError:  # running from a source tree without an install
    __version__ = "0.0.0"

__all__ = ["__version__", "load_ipython_extension"]


def load_ipython_extension(ipython: object) -> None:
    """`%load_ext kurskit`: register the `%%kurskit` question magic in this kernel."""
    from kurskit.magic import register

    register(ipython)
