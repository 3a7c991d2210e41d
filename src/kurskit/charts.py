"""Charts as inline SVG from matplotlib: text stays text, colours are colour-blind safe."""

from __future__ import annotations

import io
import itertools
import re

import matplotlib
from matplotlib.figure import Figure
from matplotlib.text import Text

# Charts are Figure objects written straight to SVG: no pyplot, no backend chosen and no global
# setting changed, so a learner's own plots in the same kernel still show inline.

#: Okabe & Ito's palette, distinguishable with every common colour-vision deficiency.
OKABE_ITO = ("#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#000000")
#: Sequential (ordered levels) and diverging (gaps around zero) colour maps, both CVD-safe.
SEQUENTIAL = "cividis"
DIVERGING = "PuOr_r"

_counter = itertools.count()


def new_figure(width: float = 7.5, height: float = 4.0) -> Figure:
    """A figure of the given size in inches, in the house style."""
    figure = Figure(figsize=(width, height))  # margins come from bbox_inches="tight" on save
    figure.set_facecolor("white")
    return figure


def figure_svg(figure: Figure, title: str) -> str:
    """The figure as an `<svg>` element for inline HTML: labelled by `title` for screen
    readers, text as text (selectable, translatable), ids unique within a page."""
    number = next(_counter)
    # Labels come from course files and answers: "$…$" in a library's name is text, not TeX.
    for text in figure.findobj(Text):
        text.set_parse_math(False)
    buffer = io.StringIO()
    with matplotlib.rc_context({"svg.fonttype": "none", "svg.hashsalt": f"kk{number}"}):
        figure.savefig(
            buffer, format="svg", bbox_inches="tight", metadata={"Date": None, "Creator": None}
        )
    svg = buffer.getvalue()
    svg = svg[svg.index("<svg") :]
    title_id = f"chart-title-{number}"
    escaped = title.replace("&", "&amp;").replace("<", "&lt;")
    svg = re.sub(
        r"<svg\b",
        f'<svg role="img" aria-labelledby="{title_id}" focusable="false"',
        svg,
        count=1,
    )
    first_close = svg.index(">") + 1
    return f'{svg[:first_close]}<title id="{title_id}">{escaped}</title>{svg[first_close:]}'
