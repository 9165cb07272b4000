"""Server-drawn SVG charts for reports: readable in greyscale, each with a text alternative.

Pure: no ORM import. Hand-made SVG keeps PDFs small and the output identical run to run, which
matters because a regenerated report must match its snapshot byte for byte in content.
Greyscale readability comes from patterns of line style and marker shape, never hue alone.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from html import escape

# Dark, print-safe tones (all pass 3:1 against white) paired with distinct dash patterns.
_SERIES_STYLES = [
    ("#0b0c0c", "", "circle"),
    ("#1d70b8", "6 3", "square"),
    ("#6f4e7c", "2 3", "triangle"),
    ("#505a5f", "10 4 2 4", "diamond"),
]


# The x-axis labels are a point smaller than the rest, so six terms fit in a half-page chart.
_AXIS_FONT = 9


@dataclass(frozen=True)
class Series:
    label: str
    values: Sequence[float | None]  # None = no figure (suppressed or missing): a gap, not a zero


def _marker(shape: str, x: float, y: float, colour: str) -> str:
    if shape == "square":
        return f'<rect x="{x - 3:.1f}" y="{y - 3:.1f}" width="6" height="6" fill="{colour}"/>'
    if shape == "triangle":
        return (
            f'<path d="M{x:.1f} {y - 4:.1f} L{x + 4:.1f} {y + 3:.1f} L{x - 4:.1f} {y + 3:.1f} Z" '
            f'fill="{colour}"/>'
        )
    if shape == "diamond":
        return (
            f'<path d="M{x:.1f} {y - 4:.1f} L{x + 4:.1f} {y:.1f} L{x:.1f} {y + 4:.1f} '
            f'L{x - 4:.1f} {y:.1f} Z" fill="{colour}"/>'
        )
    return f'<circle cx="{x:.1f}" cy="{y:.1f}" r="3.5" fill="{colour}"/>'


def _fmt(value: float) -> str:
    return f"{value:.1f}".rstrip("0").rstrip(".") if value % 1 else f"{value:.0f}"


def _tick(value: float) -> str:
    """A gridline's label with the digits its round step needs (42.5, 3.25), never rounded
    to one place, which would print uneven steps ("3.2", "3.5", "3.8")."""
    return f"{round(value, 6):g}"


def line_chart_text(
    title: str, categories: Sequence[str], series: Sequence[Series], unit: str
) -> str:
    """The text alternative: every figure of the chart in a sentence per series."""
    parts = [f"{title}."]
    for s in series:
        points = [
            f"{c}: {_fmt(v)}{unit}" if v is not None else f"{c}: no figure"
            for c, v in zip(categories, s.values, strict=False)
        ]
        parts.append(f"{s.label} — " + "; ".join(points) + ".")
    return " ".join(parts)


def nice_ceiling(value: float) -> float:
    """The next round number at or above value (1, 2, 2.5, 5 or 10 times a power of ten)."""
    if value <= 0:
        return 1.0
    power = float(10 ** math.floor(math.log10(value)))
    for step in (1, 2, 2.5, 5, 10):
        if step * power >= value:
            return step * power
    return 10 * power


def nice_bounds(low: float, high: float, ticks: int = 4) -> tuple[float, float]:
    """An axis from low to high in `ticks` equal round steps (1, 2, 2.5 or 5 times a power of
    ten), so every gridline reads as a round number: 40, 45, 50, 55, 60, not 41.3, 44.1...

    The data keeps a margin of a tenth of its spread (or of its size, for a flat line), so no
    point sits on the frame.
    """
    spread = high - low
    margin = spread * 0.1 if spread else max(abs(high) * 0.1, 1.0)
    lo_data, hi_data = low - margin, high + margin
    step = nice_ceiling((hi_data - lo_data) / ticks)
    while True:
        lo = math.floor(lo_data / step) * step
        if low >= 0 > lo:
            lo = 0.0  # a score that cannot be negative gets no negative gridline
        if lo + ticks * step >= hi_data:
            return lo, lo + ticks * step
        step = nice_ceiling(step * 1.01)


def line_chart(
    title: str,
    categories: Sequence[str],
    series: Sequence[Series],
    *,
    unit: str = "",
    width: int = 480,
    height: int = 220,
    y_min: float | None = None,
    y_max: float | None = None,
) -> str:
    """A line chart (trend over terms) as an accessible SVG string.

    1. Scale: percentages start at 0 (an honest scale: a fall from 96% to 94% is not drawn as a
       cliff) up to a round number above the data, at most 100; other units from the data's
       min/max padded by 10%; the given bounds win.
    2. Axes and 4 labelled gridlines; each category label under the x axis on two lines
       ("Summer" over "2025-26"), so six terms fit in the width without overlapping.
    3. Each series: a polyline with its own dash pattern and marker shape, broken at gaps.
    4. A legend, one series per line (long academy names never run into each other), and
       <title>/<desc> for assistive tech.
    """
    values: list[float] = [v for s in series for v in s.values if v is not None]
    if unit == "%" and values and y_min is None and y_max is None and min(values) >= 0:
        lo, hi = 0.0, min(100.0, 4 * nice_ceiling(max(values) * 1.1 / 4))
    elif values and y_min is None and y_max is None:
        lo, hi = nice_bounds(min(values), max(values))
    else:
        lo = y_min if y_min is not None else (min(values) if values else 0.0)
        hi = y_max if y_max is not None else (max(values) if values else 1.0)
        if hi == lo:
            hi = lo + 1
        pad = (hi - lo) * 0.1
        lo, hi = (lo - pad if y_min is None else lo), (hi + pad if y_max is None else hi)
    left, right, top = 44, 8, 12
    legend_h = 14 * len(series)
    bottom = 34 + legend_h
    height = max(height, top + 120 + bottom)
    plot_w, plot_h = width - left - right, height - top - bottom
    n = max(len(categories), 1)

    def x_at(i: int) -> float:
        return left + (plot_w * (i + 0.5) / n)

    def y_at(v: float) -> float:
        return top + plot_h * (1 - (v - lo) / (hi - lo))

    desc = line_chart_text(title, categories, series, unit)
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" role="img" viewBox="0 0 {width} {height}" '
        f'width="{width}" height="{height}" aria-label="{escape(title)}">',
        f"<title>{escape(title)}</title><desc>{escape(desc)}</desc>",
        '<g font-family="sans-serif" font-size="10" fill="#0b0c0c">',
    ]
    for k in range(5):
        tick = lo + (hi - lo) * k / 4
        y = y_at(tick)
        out.append(
            f'<line x1="{left}" y1="{y:.1f}" x2="{width - right}" y2="{y:.1f}" '
            f'stroke="#b1b4b6" stroke-width="0.5"/>'
            f'<text x="{left - 4}" y="{y + 3:.1f}" text-anchor="end">{_tick(tick)}{escape(unit)}</text>'
        )
    for i, c in enumerate(categories):
        first, _, rest = c.partition(" ")
        base = top + plot_h + 14
        out.append(
            f'<text x="{x_at(i):.1f}" y="{base}" text-anchor="middle" font-size="{_AXIS_FONT}">'
            f"{escape(first)}</text>"
        )
        if rest:
            out.append(
                f'<text x="{x_at(i):.1f}" y="{base + 10}" text-anchor="middle" '
                f'font-size="{_AXIS_FONT}">{escape(rest)}</text>'
            )
    for idx, s in enumerate(series):
        colour, dash, shape = _SERIES_STYLES[idx % len(_SERIES_STYLES)]
        segment: list[str] = []
        segments: list[list[str]] = []
        for i, v in enumerate(s.values):
            if v is None:
                if segment:
                    segments.append(segment)
                segment = []
                continue
            segment.append(f"{x_at(i):.1f},{y_at(v):.1f}")
        if segment:
            segments.append(segment)
        dash_attr = f' stroke-dasharray="{dash}"' if dash else ""
        for seg in segments:
            out.append(
                f'<polyline points="{" ".join(seg)}" fill="none" stroke="{colour}" '
                f'stroke-width="2"{dash_attr}/>'
            )
        for i, v in enumerate(s.values):
            if v is not None:
                out.append(_marker(shape, x_at(i), y_at(v), colour))
        ly = height - legend_h + 14 * idx + 6
        lx = left
        out.append(
            f'<line x1="{lx:.1f}" y1="{ly - 3}" x2="{lx + 24:.1f}" y2="{ly - 3}" stroke="{colour}" '
            f'stroke-width="2"{dash_attr}/>{_marker(shape, lx + 12, ly - 3, colour)}'
            f'<text x="{lx + 30:.1f}" y="{ly}">{escape(s.label)}</text>'
        )
    out.append("</g></svg>")
    return "".join(out)


def legend_words(series: Sequence[Series]) -> str:
    """The caption's key, naming only the series drawn: "solid line: X; dashed line: National"."""
    styles = ["solid line", "dashed line", "dotted line", "dash-dot line"]
    return "; ".join(
        f"{styles[i % len(styles)]}: {s.label}"
        for i, s in enumerate(series)
        if any(v is not None for v in s.values)
    )


def bar_chart(
    title: str,
    bars: Sequence[tuple[str, float | None]],
    *,
    unit: str = "",
    width: int = 480,
    bar_height: int = 18,
    reference: tuple[str, float] | None = None,
) -> str:
    """Horizontal bars with their value printed at the end (so no reader depends on length).

    A reference line (e.g. the national figure) is dashed and labelled in words.
    """
    values: list[float] = [v for _, v in bars if v is not None]
    if reference is not None:
        values.append(reference[1])
    hi: float = max(values) if values else 1.0
    hi = hi * 1.15 if hi > 0 else 1.0
    left, right, top = 150, 60, 8
    plot_w = width - left - right
    height = top + len(bars) * (bar_height + 6) + (24 if reference else 8)
    alt = f"{title}. " + "; ".join(
        f"{label}: {_fmt(v)}{unit}" if v is not None else f"{label}: no figure" for label, v in bars
    )
    if reference is not None:
        alt += f". {reference[0]}: {_fmt(reference[1])}{unit}."
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" role="img" viewBox="0 0 {width} {height}" '
        f'width="{width}" height="{height}" aria-label="{escape(title)}">',
        f"<title>{escape(title)}</title><desc>{escape(alt)}</desc>",
        '<g font-family="sans-serif" font-size="10" fill="#0b0c0c">',
    ]
    for i, (label, v) in enumerate(bars):
        y = top + i * (bar_height + 6)
        out.append(
            f'<text x="{left - 6}" y="{y + bar_height - 5}" text-anchor="end">{escape(label)}</text>'
        )
        if v is None:
            out.append(f'<text x="{left + 4}" y="{y + bar_height - 5}">no figure</text>')
            continue
        w = max(plot_w * max(v, 0) / hi, 1)
        out.append(
            f'<rect x="{left}" y="{y}" width="{w:.1f}" height="{bar_height}" fill="#505a5f"/>'
            f'<text x="{left + w + 4:.1f}" y="{y + bar_height - 5}">{_fmt(v)}{escape(unit)}</text>'
        )
    if reference is not None:
        rx = left + plot_w * reference[1] / hi
        bottom = top + len(bars) * (bar_height + 6)
        out.append(
            f'<line x1="{rx:.1f}" y1="{top - 4}" x2="{rx:.1f}" y2="{bottom}" stroke="#0b0c0c" '
            f'stroke-width="1.5" stroke-dasharray="4 3"/>'
            f'<text x="{rx:.1f}" y="{bottom + 14}" text-anchor="middle">'
            f"{escape(reference[0])} {_fmt(reference[1])}{escape(unit)}</text>"
        )
    out.append("</g></svg>")
    return "".join(out)
