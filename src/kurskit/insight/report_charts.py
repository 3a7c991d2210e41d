"""The reports' charts: shares with intervals, level distributions, changes and gap heatmaps."""

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
    if len(series) > 1:
        axes.legend(loc="lower right", frameon=False)
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


def heatmap(
    title: str,
    rows: Sequence[str],
    columns: Sequence[str],
    values: npt.NDArray[np.float64],
    colour_label: str,
) -> str:
    """A grid of values (gaps), diverging around zero; hidden cells (NaN) left blank, numbers
    written in each cell so that colour is never the only carrier of meaning."""
    figure = new_figure(max(6.0, 1.5 + 0.45 * len(columns)), 1.2 + 0.38 * len(rows))
    axes = figure.subplots()
    limit = float(np.nanmax(np.abs(values))) if np.isfinite(values).any() else 1.0
    image = axes.imshow(
        np.ma.masked_invalid(values), cmap=DIVERGING, vmin=-limit, vmax=limit, aspect="auto"
    )
    for (row, column), value in np.ndenumerate(values):
        if np.isfinite(value):
            shade = image.cmap(image.norm(float(value)))  # type: ignore[arg-type]
            dark = 0.299 * shade[0] + 0.587 * shade[1] + 0.114 * shade[2] < 0.5
            axes.text(
                column,
                row,
                f"{value:.1f}",
                ha="center",
                va="center",
                fontsize="small",
                color="white" if dark else "black",
            )
    axes.set_xticks(np.arange(len(columns)), list(columns), rotation=90)
    axes.set_yticks(np.arange(len(rows)), list(rows))
    figure.colorbar(image, ax=axes, label=colour_label, shrink=0.8)
    return figure_svg(figure, title)


def _sequential(count: int) -> list[tuple[float, float, float, float]]:
    from matplotlib import colormaps

    cmap = colormaps[SEQUENTIAL]
    return [cmap(0.05 + 0.9 * i / max(1, count - 1)) for i in range(count)]
