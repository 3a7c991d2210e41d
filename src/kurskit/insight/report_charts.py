"""The reports' charts: shares with intervals, level distributions, changes, counts, heatmaps."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import numpy.typing as npt

from kurskit.charts import DIVERGING, OKABE_ITO, SEQUENTIAL, figure_svg, new_figure


def grouped_shares(
    title: str,
    groups: Sequence[str],
    series: dict[str, tuple[Sequence[float], Sequence[float], Sequence[float]]],
    axis_label: str,
) -> str:
    """Bars of shares per group, one bar per series (e.g. period), with 95 % interval whiskers.
    `series` maps a name to (shares, lower ends, upper ends)."""
    figure = new_figure(7.5, 0.5 + 0.42 * len(groups) * max(1, len(series)) ** 0.6)
    axes = figure.subplots()
    height = 0.8 / max(1, len(series))
    positions = np.arange(len(groups))
    for index, (name, (share, low, high)) in enumerate(series.items()):
        values = np.asarray(share, dtype=float)
        where = positions + (index - (len(series) - 1) / 2) * height
        errors = np.vstack([values - np.asarray(low), np.asarray(high) - values])
        axes.barh(
            where,
            values * 100,
            height=height * 0.92,
            color=OKABE_ITO[index % 8],
            label=name,
            xerr=errors * 100,
            error_kw={"ecolor": "#333333", "capsize": 2, "linewidth": 1},
        )
    axes.set_yticks(positions, list(groups))
    axes.invert_yaxis()
    axes.set_xlabel(axis_label)
    axes.xaxis.grid(True, color="#dddddd")
    axes.set_axisbelow(True)
    if len(series) > 1:  # below the chart, never over a bar
        axes.legend(
            loc="upper center", bbox_to_anchor=(0.5, -0.12), ncol=len(series), frameon=False
        )
    return figure_svg(figure, title)


def level_distribution(
    title: str,
    rows: Sequence[str],
    shares: npt.NDArray[np.float64],
    level_names: Sequence[str],
    axis_label: str,
) -> str:
    """Stacked bars: for each row (competence), the share at each level, lowest level first."""
    figure = new_figure(7.5, 1.2 + 0.32 * len(rows))
    axes = figure.subplots()
    colours = _sequential(len(level_names))
    left = np.zeros(len(rows))
    for index, name in enumerate(level_names):
        values = shares[:, index] * 100
        axes.barh(
            np.arange(len(rows)),
            values,
            left=left,
            color=colours[index],
            label=name,
            edgecolor="white",
            linewidth=0.5,
        )
        left += values
    axes.set_yticks(np.arange(len(rows)), list(rows))
    axes.invert_yaxis()
    axes.set_xlim(0, 100)
    axes.set_xlabel(axis_label)
    axes.legend(
        loc="upper center",
        bbox_to_anchor=(0.5, -0.12),
        ncol=min(8, len(level_names)),
        frameon=False,
        fontsize="small",
    )
    return figure_svg(figure, title)


def changes(
    title: str,
    rows: Sequence[str],
    change: Sequence[float],
    low: Sequence[float],
    high: Sequence[float],
    axis_label: str,
) -> str:
    """Dots with 95 % intervals for changes in percentage points; zero marked."""
    figure = new_figure(7.5, 0.8 + 0.32 * len(rows))
    axes = figure.subplots()
    values = np.asarray(change, dtype=float) * 100
    errors = np.vstack([values - np.asarray(low) * 100, np.asarray(high) * 100 - values])
    axes.errorbar(
        values,
        np.arange(len(rows)),
        xerr=errors,
        fmt="o",
        color=OKABE_ITO[0],
        ecolor="#333333",
        capsize=2,
    )
    axes.axvline(0, color="#555555", linewidth=1)
    axes.set_yticks(np.arange(len(rows)), list(rows))
    axes.invert_yaxis()
    axes.set_xlabel(axis_label)
    axes.xaxis.grid(True, color="#dddddd")
    return figure_svg(figure, title)


def histogram(
    title: str,
    bins: Sequence[str],
    counts: npt.NDArray[np.float64],
    axis_label: str,
    marker: float | None = None,
) -> str:
    """Vertical bars of counts per bin; `marker` (a bin position, e.g. the pass threshold)
    drawn as a dashed line."""
    figure = new_figure(7.5, 3.6)
    axes = figure.subplots()
    positions = np.arange(len(bins))
    axes.bar(positions, counts, width=0.85, color=OKABE_ITO[4], align="edge")
    axes.set_xticks(positions + 0.425, list(bins), rotation=45, ha="right")
    axes.set_ylabel(axis_label)
    axes.yaxis.grid(True, color="#dddddd")
    axes.set_axisbelow(True)
    if marker is not None:
        axes.axvline(marker, color="#333333", linestyle="--", linewidth=1.2)
    return figure_svg(figure, title)


def heat_colours(values: npt.NDArray[np.float64]) -> list[list[str]]:
    """CSS for a heatmap drawn as a table: each cell's background from a diverging colour map
    centred on zero, and black or white text, whichever contrasts more (at least 4.58:1, so
    every cell passes WCAG AA). NaN cells (hidden groups) stay plain."""
    from matplotlib import colormaps
    from matplotlib.colors import to_hex

    cmap = colormaps[DIVERGING]
    limit = float(np.nanmax(np.abs(values))) if np.isfinite(values).any() else 1.0
    styles = []
    for row in values:
        cells = []
        for value in row:
            if not np.isfinite(value):
                cells.append("")
                continue
            colour = cmap(0.5 + 0.5 * float(value) / (limit or 1.0))
            text = "#000000" if _luminance(colour) > 0.179 else "#ffffff"
            cells.append(f"background: {to_hex(colour)}; color: {text};")
        styles.append(cells)
    return styles


def _luminance(colour: tuple[float, float, float, float]) -> float:
    """WCAG relative luminance of an sRGB colour."""
    channels = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in colour[:3]]
    return 0.2126 * channels[0] + 0.7152 * channels[1] + 0.0722 * channels[2]


def _sequential(count: int) -> list[tuple[float, float, float, float]]:
    from matplotlib import colormaps

    cmap = colormaps[SEQUENTIAL]
    return [cmap(0.05 + 0.9 * i / max(1, count - 1)) for i in range(count)]
