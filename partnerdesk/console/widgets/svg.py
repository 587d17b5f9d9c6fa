"""Small server-side drawing helpers (X-3): self-contained SVG charts and HTML tables.

Every drawing is well-formed XML with no script, no links and no fonts to fetch; it carries its
text alternative (`role="img"`, `aria-label` and `<title>`), shows every value as text as well
as by length or colour, and has a viewBox so it scales to the width of its container, on
screen and in the PDF alike. Every string that comes from data goes through `esc`."""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Sequence
from dataclasses import dataclass
from html import escape

# Colours on white, each at least 4.5:1 (so they also pass as text), told apart by lightness
# as well as hue; values are always written next to the shape, never colour alone.
TEXT = "#1f2328"
MUTED = "#57606a"
GRID = "#d0d7de"
TRACK = "#eaeef2"
SERIES = ("#0b5cad", "#a15c00", "#1e7d32", "#8e24aa", "#b3261e", "#00796b", "#6d4c41", "#5f6368")
SEVERITY = {"high": "#b3261e", "medium": "#a15c00", "low": "#0b5cad"}
HEALTH = {"good": "#1e7d32", "suspicious": "#a15c00", "bad": "#b3261e", "unknown": "#5f6368"}
FONT = "system-ui, -apple-system, Segoe UI, Roboto, Helvetica, Arial, sans-serif"

# XML 1.0 refuses most control characters; data never needs them in a drawing.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def esc(value: object) -> str:
    """Text or attribute value, escaped for HTML and XML alike."""
    return escape(_CONTROL.sub("", str(value)), quote=True)


def clip(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: max(limit - 1, 1)] + "…"


def num(value: int) -> str:
    return f"{value:,}"


def plural(n: int, word: str, words: str | None = None) -> str:
    return f"{num(n)} {word if n == 1 else (words or word + 's')}"


@dataclass(frozen=True, slots=True)
class Bar:
    """One labelled value: a bar, a donut segment or a legend entry."""

    label: str
    value: int
    colour: str | None = None


@dataclass(frozen=True, slots=True)
class Series:
    """One stacked series of a column chart: a value per column."""

    label: str
    colour: str
    values: Sequence[int]


@dataclass(frozen=True, slots=True)
class Column:
    header: str
    numeric: bool = False


def colour_at(index: int) -> str:
    return SERIES[index % len(SERIES)]


def _f(value: float) -> str:
    return f"{value:.1f}".rstrip("0").rstrip(".")


def text(
    x: float,
    y: float,
    value: str,
    *,
    anchor: str = "start",
    size: int = 12,
    fill: str = TEXT,
    bold: bool = False,
) -> str:
    weight = ' font-weight="600"' if bold else ""
    return (
        f'<text x="{_f(x)}" y="{_f(y)}" text-anchor="{anchor}" font-size="{size}" '
        f'fill="{fill}"{weight}>{esc(value)}</text>'
    )


def rect(x: float, y: float, w: float, h: float, fill: str, tip: str = "") -> str:
    tooltip = f"<title>{esc(tip)}</title>" if tip else ""
    end = f">{tooltip}</rect>" if tooltip else "/>"
    return (
        f'<rect x="{_f(x)}" y="{_f(y)}" width="{_f(max(w, 0))}" height="{_f(max(h, 0))}" '
        f'fill="{fill}"{end}'
    )


def frame(width: int, height: int, label: str, body: Sequence[str]) -> str:
    """The `<svg>` around a drawing: its text alternative, viewBox and font."""
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" width="100%" '
        f'preserveAspectRatio="xMidYMid meet" role="img" aria-label="{esc(label)}" '
        f'font-family="{FONT}" class="widget-svg">'
        f"<title>{esc(label)}</title>" + "".join(body) + "</svg>"
    )


def empty(width: int, height: int, message: str) -> str:
    """The designed empty state: the message, centred, instead of an empty axis."""
    return frame(
        width,
        height,
        message,
        [
            rect(8, 8, width - 16, height - 16, "#f6f8fa"),
            text(width / 2, height / 2 + 4, message, anchor="middle", size=13, fill=MUTED),
        ],
    )


def nice_scale(top: int, ticks: int = 4) -> tuple[int, int]:
    """A round axis maximum at or above `top`, and its tick step (1, 2 or 5 times 10^n)."""
    if top <= 0:
        return ticks, 1
    raw = top / ticks
    power = 10 ** math.floor(math.log10(raw))
    step = next(m * power for m in (1, 2, 5, 10) if m * power >= raw)
    step = max(int(step), 1)
    return step * math.ceil(top / step), step


def hbar_chart(bars: Sequence[Bar], *, width: int, height: int, label: str) -> str:
    """Horizontal bars, one per row: label on the left, value at the bar's end."""
    rows = max(len(bars), 1)
    row_h = min(30.0, (height - 16) / rows)
    top_pad = (height - row_h * rows) / 2  # the block sits in the middle
    label_w = width * 0.36
    value_w = 48
    span = width - label_w - value_w - 16
    biggest = max((b.value for b in bars), default=0) or 1
    body: list[str] = []
    for i, b in enumerate(bars):
        y = top_pad + i * row_h
        bar_h = row_h * 0.62
        mid = y + row_h / 2 + 4
        w = span * b.value / biggest
        body.append(text(label_w - 6, mid, clip(b.label, 22), anchor="end"))
        body.append(rect(label_w, y + (row_h - bar_h) / 2, span, bar_h, TRACK))
        body.append(
            rect(label_w, y + (row_h - bar_h) / 2, w, bar_h, b.colour or colour_at(i), b.label)
        )
        body.append(text(label_w + span + 6, mid, num(b.value), bold=True))
    return frame(width, height, label, body)


def column_chart(bars: Sequence[Bar], *, width: int, height: int, label: str) -> str:
    """Vertical bars with the value above each and the label below."""
    base = height - 26
    top = 22
    slot = (width - 24) / max(len(bars), 1)
    biggest = max((b.value for b in bars), default=0) or 1
    body = [f'<line x1="12" x2="{width - 12}" y1="{base}" y2="{base}" stroke="{GRID}"/>']
    for i, b in enumerate(bars):
        x = 12 + i * slot
        h = (base - top) * b.value / biggest
        bar_w = min(slot * 0.56, 72)
        left = x + (slot - bar_w) / 2
        body.append(rect(left, base - h, bar_w, h, b.colour or colour_at(i), b.label))
        body.append(text(x + slot / 2, base - h - 6, num(b.value), anchor="middle", bold=True))
        body.append(text(x + slot / 2, base + 17, clip(b.label, 18), anchor="middle"))
    return frame(width, height, label, body)


def _arc(cx: float, cy: float, r: float, start: float, end: float) -> str:
    """An SVG path for the arc from `start` to `end` (fractions of a turn, clockwise from 12)."""

    def point(frac: float) -> tuple[float, float]:
        angle = 2 * math.pi * frac - math.pi / 2
        return cx + r * math.cos(angle), cy + r * math.sin(angle)

    (x1, y1), (x2, y2) = point(start), point(end)
    large = 1 if end - start > 0.5 else 0
    return f"M {x1:.2f} {y1:.2f} A {r:.2f} {r:.2f} 0 {large} 1 {x2:.2f} {y2:.2f}"


def donut(segments: Sequence[Bar], *, width: int, height: int, label: str, centre: str) -> str:
    """A donut with the total in the middle and a legend giving each count and share."""
    total = sum(s.value for s in segments) or 1
    # The ring (radius r, stroke 0.36 r) stays 10 units inside the drawing.
    r = min((height / 2 - 10) / 1.18, width * 0.16)
    cx, cy, stroke = r * 1.18 + 10, height / 2, r * 0.36
    body: list[str] = [
        f'<circle cx="{_f(cx)}" cy="{_f(cy)}" r="{_f(r)}" fill="none" stroke="{TRACK}" '
        f'stroke-width="{_f(stroke)}"/>'
    ]
    start = 0.0
    for i, s in enumerate(segments):
        if not s.value:
            continue
        share = s.value / total
        colour = s.colour or colour_at(i)
        tip = f"<title>{esc(s.label)}: {num(s.value)}</title>"
        if share >= 0.9999:
            body.append(
                f'<circle cx="{_f(cx)}" cy="{_f(cy)}" r="{_f(r)}" fill="none" stroke="{colour}" '
                f'stroke-width="{_f(stroke)}">{tip}</circle>'
            )
        else:
            # A hair of white between segments keeps neighbours apart without colour.
            gap = min(0.004, share / 4)
            path = _arc(cx, cy, r, start + gap, start + share - gap)
            body.append(
                f'<path d="{path}" fill="none" stroke="{colour}" stroke-width="{_f(stroke)}">'
                f"{tip}</path>"
            )
        start += share
    body.append(
        text(cx, cy + 2, num(total if segments else 0), anchor="middle", size=20, bold=True)
    )
    body.append(text(cx, cy + 18, centre, anchor="middle", size=11, fill=MUTED))
    body.extend(_legend(segments, x=cx + r + stroke / 2 + 22, height=height, total=total))
    return frame(width, height, label, body)


def _legend(segments: Sequence[Bar], *, x: float, height: float, total: int) -> list[str]:
    row = 20
    y0 = height / 2 - row * len(segments) / 2 + 10
    out: list[str] = []
    for i, s in enumerate(segments):
        y = y0 + i * row
        share = round(100 * s.value / total) if total else 0
        out.append(rect(x, y - 10, 12, 12, s.colour or colour_at(i)))
        out.append(text(x + 18, y, f"{clip(s.label, 18)}  {num(s.value)} ({share}%)"))
    return out


def stacked_columns(
    labels: Sequence[str],
    series: Sequence[Series],
    *,
    width: int,
    height: int,
    label: str,
    label_every: int = 7,
) -> str:
    """Columns stacked by series (one column per label), a y axis with round ticks, the total
    above every non-empty column, and a legend with each series' total."""
    left, right, top, base = 34, 10, 30, height - 22
    totals = [sum(s.values[i] for s in series) for i in range(len(labels))]
    axis_max, step = nice_scale(max(totals, default=0))
    body = _y_axis(left, width - right, top, base, axis_max, step)
    slot = (width - left - right) / max(len(labels), 1)
    bar_w = max(slot * 0.7, 1)
    for i, name in enumerate(labels):
        x = left + i * slot + (slot - bar_w) / 2
        y = float(base)
        for s in series:
            v = s.values[i]
            if v:
                h = (base - top) * v / axis_max
                y -= h
                body.append(rect(x, y, bar_w, h, s.colour, f"{name}: {num(v)} {s.label.lower()}"))
        if totals[i] and slot >= 12:
            body.append(text(x + bar_w / 2, y - 3, num(totals[i]), anchor="middle", size=9))
        if _tick(i, len(labels), label_every):
            body.append(text(x + bar_w / 2, base + 15, name, anchor="middle", size=10, fill=MUTED))
    x = float(left)
    for s in series:
        body.append(rect(x, 8, 12, 12, s.colour))
        entry = f"{s.label} {num(sum(s.values))}"
        body.append(text(x + 17, 18, entry, size=11))
        x += 30 + 7 * len(entry)
    return frame(width, height, label, body)


def _tick(i: int, count: int, every: int) -> bool:
    """Label every `every`-th column and the last, skipping one that would crowd the last."""
    last = count - 1
    return i == last or (i % every == 0 and last - i >= every / 2)


def _y_axis(
    left: float, right: float, top: float, base: float, top_value: int, step: int
) -> list[str]:
    out: list[str] = []
    for tick in range(0, top_value + 1, step):
        y = base - (base - top) * tick / top_value
        out.append(
            f'<line x1="{_f(left)}" x2="{_f(right)}" y1="{_f(y)}" y2="{_f(y)}" stroke="{GRID}" '
            f'stroke-width="{1 if tick == 0 else 0.5}"/>'
        )
        out.append(text(left - 5, y + 4, num(tick), anchor="end", size=10, fill=MUTED))
    return out


def area_chart(
    points: Sequence[tuple[str, int]],
    *,
    width: int,
    height: int,
    label: str,
    colour: str = SERIES[0],
    label_every: int = 7,
) -> str:
    """A line over a light area, a dot and value at the first, last and highest points."""
    left, right, top, base = 34, 14, 16, height - 22
    peak_value = max((v for _, v in points), default=0)
    axis_max, step = nice_scale(math.ceil(peak_value * 1.15))  # room for the peak's label
    body = _y_axis(left, width - right, top, base, axis_max, step)
    span = (width - left - right) / max(len(points) - 1, 1)
    xy = [(left + i * span, base - (base - top) * v / axis_max) for i, (_, v) in enumerate(points)]
    line = " ".join(f"{x:.1f},{y:.1f}" for x, y in xy)
    if xy:
        area = f"{xy[0][0]:.1f},{base} {line} {xy[-1][0]:.1f},{base}"
        body.append(f'<polygon points="{area}" fill="{colour}" fill-opacity="0.12"/>')
        body.append(
            f'<polyline points="{line}" fill="none" stroke="{colour}" stroke-width="2" '
            'stroke-linejoin="round"/>'
        )
    peak = max(range(len(points)), key=lambda i: points[i][1], default=0)
    for i, (name, v) in enumerate(points):
        x, y = xy[i]
        if i in (0, len(points) - 1, peak):
            body.append(
                f'<circle cx="{x:.1f}" cy="{y:.1f}" r="3" fill="{colour}">'
                f"<title>{esc(name)}: {num(v)}</title></circle>"
            )
            anchor = "start" if i == 0 else ("end" if i == len(points) - 1 else "middle")
            body.append(text(x, y - 7, num(v), anchor=anchor, size=10, bold=True))
        if _tick(i, len(points), label_every):
            anchor = "start" if i == 0 else ("end" if i == len(points) - 1 else "middle")
            body.append(text(x, base + 15, name, anchor=anchor, size=10, fill=MUTED))
    return frame(width, height, label, body)


def meters(
    rows: Sequence[tuple[str, int, int | None, str]], *, width: int, height: int, label: str
) -> str:
    """One meter per row: `(label, used, quantity or None, note)`; over quantity in red. Rows
    need 34 units each: pass at most `meter_rows(height)`."""
    row_h = min(44.0, (height - 8) / max(len(rows), 1))
    top = (height - row_h * len(rows)) / 2
    span = width - 24
    body: list[str] = []
    for i, (name, used, quantity, note) in enumerate(rows):
        y = top + i * row_h
        body.append(text(12, y + 13, clip(name, 34), bold=True))
        body.append(text(width - 12, y + 13, note, anchor="end", size=11, fill=MUTED))
        bar_y, bar_h = y + 19, max(min(10.0, row_h - 24), 4)
        if quantity:
            over = used > quantity
            filled = span * min(used / quantity, 1)
            body.append(rect(12, bar_y, span, bar_h, TRACK))
            body.append(rect(12, bar_y, filled, bar_h, SEVERITY["high"] if over else SERIES[0]))
    return frame(width, height, label, body)


def meter_rows(height: int) -> int:
    return max(int((height - 8) // 34), 1)


def tiles(items: Sequence[tuple[str, int, str]], *, width: int, height: int, label: str) -> str:
    """Big numbers side by side, each with its label underneath and a coloured rule above."""
    slot = width / max(len(items), 1)
    body: list[str] = []
    for i, (name, value, colour) in enumerate(items):
        x = i * slot
        body.append(rect(x + 10, 18, slot - 20, 4, colour))
        body.append(
            text(x + slot / 2, height / 2 + 10, num(value), anchor="middle", size=34, bold=True)
        )
        for j, line in enumerate(_wrap(name, 22)):
            body.append(
                text(
                    x + slot / 2,
                    height / 2 + 34 + 15 * j,
                    line,
                    anchor="middle",
                    size=12,
                    fill=MUTED,
                )
            )
    return frame(width, height, label, body)


def _wrap(value: str, limit: int) -> list[str]:
    lines: list[str] = []
    for word in value.split():
        if lines and len(lines[-1]) + len(word) < limit:
            lines[-1] += " " + word
        else:
            lines.append(word)
    return lines[:3]


def table(columns: Sequence[Column], rows: Sequence[Sequence[str]], *, caption: str) -> str:
    """An HTML table for list widgets; cells are plain text and are escaped here. A cell may be
    a `Markup` (already escaped, built by the helpers below) for a pill or a time."""
    classes = [' class="num"' if c.numeric else "" for c in columns]
    head = "".join(
        f'<th scope="col"{cls}>{esc(c.header)}</th>'
        for c, cls in zip(columns, classes, strict=True)
    )
    body = "".join(
        "<tr>"
        + "".join(f"<td{cls}>{_cell(v)}</td>" for cls, v in zip(classes, row, strict=True))
        + "</tr>"
        for row in rows
    )
    return (
        f'<table class="widget-table"><caption>{esc(caption)}</caption>'
        f"<thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"
    )


class Markup(str):
    """A table cell already escaped by `pill` or `time`."""

    __slots__ = ()


def _cell(value: str) -> str:
    return value if isinstance(value, Markup) else esc(value)


def pill(key: str, label: str) -> Markup:
    """Status as a text pill (the class may colour it; the word carries the meaning)."""
    return Markup(f'<span class="pill pill-{esc(key)}">{esc(label)}</span>')


def time(when: dt.datetime) -> Markup:
    utc = when.astimezone(dt.UTC).replace(microsecond=0)
    iso = utc.isoformat().replace("+00:00", "Z")
    return Markup(f'<time datetime="{esc(iso)}">{utc.day} {utc:%b %Y, %H:%M} UTC</time>')
