"""The ``--html`` page: one self-contained file, inline CSS and an inline SVG chart drawn here.

No scripts, no fonts, no links to anything: it opens the same offline, in a mail or in CI
artefacts.
"""

from __future__ import annotations

import math
from html import escape
from typing import Any

from sky_rs._bench.record import Record
from sky_rs._bench.report import EXPLANATION, FAR_FROM_FLOOR, NUMERIC, notes, table
from sky_rs._bench.timing import fmt_ns, fmt_ratio

MIN_BAR = 4.0
"""Pixels: a bar near 1x stays visible."""
GOOD, BAD = "#2e7d5b", "#c4320a"


def legend_text(target: float | None) -> str:
    """What the chart's lines and marks mean; the target line only when ``--target`` set one."""
    target_text = f" the dashed line is the target {target:g}x given by --target;" if target else ""
    return (
        f"Left: speed-up over the Python fallback; green where Rust is faster, red where slower."
        f" The solid line is 1x (as fast as Python);{target_text} the dotted line is this run's"
        f" arithmetic mean over the headline cases, against the fallback."
        f" Right: distance from the floor (Rust / floor; 1x = at the floor, the best possible);"
        f" green within the limit, red beyond the dashed limit {FAR_FROM_FLOOR:g}x, where Rust"
        f" spends more than twice what no implementation could avoid. A red distance bar is not"
        f" a failure: the case can still be many times faster than Python."
        f" ★ and bold: the headline case of each function of the contract."
    )


ROW = 22
LABEL_WIDTH = 360
PANEL_WIDTH = 330
GAP = 40
TOP = 60

CSS = """
body { font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif;
       margin: 2rem auto; max-width: 1180px; padding: 0 1rem; color: #1d232b; }
h1 { font-size: 1.6rem; margin-bottom: .2rem; }
h2 { font-size: 1.15rem; margin-top: 2rem; }
.meta { color: #56606b; margin-top: 0; }
ul.summary li { margin: .15rem 0; }
table { border-collapse: collapse; width: 100%; font-size: 13px; }
th, td { padding: .25rem .5rem; border-bottom: 1px solid #e3e6ea; text-align: left;
         vertical-align: top; }
th { background: #f4f6f8; }
td.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
tr.headline td { font-weight: 600; }
td.bad { color: #b42318; }
td.warn { color: #b54708; }
.note { color: #56606b; font-size: 12px; }
svg text { font: 12px system-ui, sans-serif; fill: #1d232b; }
svg .axis { fill: #56606b; font-size: 11px; }
svg .title { font-weight: 600; font-size: 13px; }
svg .na { fill: #98a2b3; }
.legend span.key { display: inline-block; width: 12px; height: 12px; border-radius: 2px;
                   vertical-align: -1px; margin: 0 .3rem 0 .8rem; }
"""


class LogScale:
    """Maps a positive value onto ``[x0, x0 + PANEL_WIDTH]`` logarithmically, from the 1-2-5
    step at or below the smallest of ``values`` and ``low`` to the one at or above the largest."""

    def __init__(self, values: list[float], low: float, high: float, x0: float) -> None:
        small, big = min([low, *values]), max([high, *values])
        decades = range(math.floor(math.log10(small)), math.ceil(math.log10(big)) + 1)
        steps = [m * 10.0**d for d in decades for m in (1, 2, 5)]
        self.low = max(t for t in steps if t <= small * 1.0001)
        self.high = min(t for t in steps if t >= big * 0.9999)
        self.ticks = [t for t in steps if self.low <= t <= self.high]
        self.x0 = x0

    def __call__(self, value: float) -> float:
        span = math.log10(self.high) - math.log10(self.low)
        return self.x0 + (math.log10(value) - math.log10(self.low)) / span * PANEL_WIDTH


def chart(records: list[Record], target: float | None = None) -> str:
    """Two aligned panels: speed-up over Python, and distance from the floor."""
    speedups = [r.speedup for r in records if r.speedup]
    headline = [r.speedup for r in records if r.speedup and r.case.headline]
    mean = sum(headline) / len(headline) if headline else None
    distances = [r.distance for r in records if r.distance]
    left = LABEL_WIDTH
    speed = LogScale(speedups, 0.5, (target or 1.0) * 1.5, left)
    dist = LogScale(distances, 1.0, FAR_FROM_FLOOR * 2, left + PANEL_WIDTH + GAP)
    height = TOP + ROW * len(records) + 30
    width = left + 2 * PANEL_WIDTH + GAP + 70
    out = [
        f'<svg viewBox="0 0 {width} {height}" width="{width}" height="{height}" role="img"'
        ' aria-label="speed-up over Python and distance from the floor, per case">'
    ]
    bottom = TOP + ROW * len(records)
    for scale, title in (
        (speed, "speed-up over the Python fallback (log scale)"),
        (dist, "distance from the floor: Rust / floor (log scale)"),
    ):
        out.append(f'<text class="title" x="{scale.x0}" y="16">{escape(title)}</text>')
        for tick in scale.ticks:
            x = scale(tick)
            out.append(
                f'<line x1="{x:.1f}" y1="{TOP - 8}" x2="{x:.1f}" y2="{bottom}" stroke="#e3e6ea"/>'
            )
            out.append(
                f'<text class="axis" x="{x:.1f}" y="{bottom + 14}" text-anchor="middle">'
                f"{tick:g}x</text>"
            )
    # (panel, value, label, dash pattern, label height): the mean's label sits above the
    # target's, so the two never overlap.
    lines = [
        (speed, 1.0, "", "", 0),
        (dist, FAR_FROM_FLOOR, f"limit {FAR_FROM_FLOOR:g}x", "4 3", TOP - 10),
    ]
    if target:
        lines.append((speed, target, f"target {target:g}x", "4 3", TOP - 10))
    if mean:
        lines.append((speed, mean, f"mean {mean:.2f}x", "1 2", TOP - 22))
    for scale, value, text, dashes, label_y in lines:
        x = scale(value)
        dash = f' stroke-dasharray="{dashes}"' if dashes else ""
        out.append(
            f'<line x1="{x:.1f}" y1="{TOP - 8}" x2="{x:.1f}" y2="{bottom}" stroke="#56606b"{dash}/>'
        )
        if text:
            out.append(f'<text class="axis" x="{x + 3:.1f}" y="{label_y}">{text}</text>')
    for i, record in enumerate(records):
        y = TOP + i * ROW
        weight = ' font-weight="600"' if record.case.headline else ""
        star = "★ " if record.case.headline else ""
        name = f"{star}{record.case.function} · {record.case.case}"
        out.append(
            f'<text x="{left - 8}" y="{y + 15}" text-anchor="end"{weight}>{escape(name)}</text>'
        )
        out.append(_bar(speed, record.speedup, y, good=lambda v: v >= 1, base=1.0))
        out.append(_bar(dist, record.distance, y, good=lambda v: v <= FAR_FROM_FLOOR, base=1.0))
    out.append("</svg>")
    return "\n".join(out)


def _bar(scale: LogScale, value: float | None, y: float, good: Any, base: float) -> str:
    if value is None:
        return f'<text class="na" x="{scale.x0 + 4}" y="{y + 15}">n/a</text>'
    base = max(base, scale.low) if value >= base else base
    x1, x2 = sorted((scale(base), scale(value)))
    colour = GOOD if good(value) else BAD
    if x2 - x1 < MIN_BAR:
        x1, x2 = (x1, x1 + MIN_BAR) if value >= base else (x2 - MIN_BAR, x2)
    label_x = max(x2, scale(base)) + 4
    return (
        f'<rect x="{x1:.1f}" y="{y + 4}" width="{x2 - x1:.1f}" height="{ROW - 8}"'
        f' fill="{colour}" rx="2"><title>{fmt_ratio(value)}</title></rect>'
        f'<text x="{label_x:.1f}" y="{y + 15}">{fmt_ratio(value)}</text>'
    )


def _legend(target: float | None) -> str:
    keys = (
        f'<span class="key" style="background:{GOOD}"></span>faster than Python / within'
        f" {FAR_FROM_FLOOR:g}x of the floor"
        f'<span class="key" style="background:{BAD}"></span>slower than Python / more than'
        f" {FAR_FROM_FLOOR:g}x from the floor"
    )
    return f'<p class="legend note">{keys}</p><p class="note">{escape(legend_text(target))}</p>'


def _results_table(records: list[Record]) -> str:
    header, rows = table(records)
    columns = [*header, "notes"]
    out = ["<table>", "<tr>" + "".join(f"<th>{escape(h)}</th>" for h in columns) + "</tr>"]
    for row, record in zip(rows, records):
        cls = ' class="headline"' if record.case.headline else ""
        cells = []
        for column, cell in zip(columns, [*row, notes(record)]):
            classes = ["num"] if column in NUMERIC else []
            if column == "speed-up" and record.speedup is not None and record.speedup < 1:
                classes.append("bad")
            if column == "distance" and (record.distance or 0) > FAR_FROM_FLOOR:
                classes.append("warn")
            attr = f' class="{" ".join(classes)}"' if classes else ""
            cells.append(f"<td{attr}>{escape(cell)}</td>")
        out.append(f"<tr{cls}>{''.join(cells)}</tr>")
    out.append("</table>")
    return "\n".join(out)


def _floor_table(records: list[Record]) -> str:
    out = [
        "<table>",
        "<tr><th>function</th><th>case</th><th>floor</th><th>components</th></tr>",
    ]
    for record in records:
        parts = "<br>".join(
            f"{escape(fmt_ns(c.ns))} &nbsp; {escape(c.name)}"
            f' <span class="note">({escape(c.source)})</span>'
            for c in record.components
        )
        for status in (record.floor_status, record.floor_note):
            if status and status != "complete":
                parts += f'<br><span class="note">{escape(status)}</span>'
        out.append(
            f"<tr><td>{escape(record.case.function)}</td><td>{escape(record.case.case)}</td>"
            f'<td class="num">{escape(fmt_ns(record.floor_ns))}</td><td>{parts}</td></tr>'
        )
    out.append("</table>")
    return "\n".join(out)


def render(records: list[Record], document: dict[str, Any], lines: list[str]) -> str:
    machine = document["machine"]
    backends = ", ".join(
        f"{name} {entry['backend']}" for name, entry in document["backends"]["domains"].items()
    )
    load = machine.get("load_average_start")
    load_text = f"load average {load[0]:.2f} at start" if load else ""
    meta = (
        f"{escape(document['created'])} · {document['mode']} mode ·"
        f" {escape(str(machine['cpu_model']))}, {machine['cores_usable']} usable cores ·"
        f" Python {escape(machine['python_version'])} · {escape(machine['openssl'])} ·"
        f" backends: {escape(backends)} · {escape(load_text)} ·"
        f" took {document['duration_s']:.0f} s"
    )
    return "\n".join(
        [
            "<!DOCTYPE html>",
            '<html lang="en"><head><meta charset="utf-8">',
            '<meta name="viewport" content="width=device-width, initial-scale=1">',
            f"<title>sky-rs bench {escape(document['created'])}</title>",
            f"<style>{CSS}</style></head><body>",
            "<h1>sky-rs bench</h1>",
            f'<p class="meta">{meta}</p>',
            f'<p class="meta">Command: <code>{escape(document["command"])}</code></p>',
            '<ul class="summary">' + "".join(f"<li>{escape(li)}</li>" for li in lines) + "</ul>",
            "<h2>Speed-up and distance from the floor</h2>",
            chart(records, document.get("target_speedup")),
            _legend(document.get("target_speedup")),
            "<h2>Results</h2>",
            _results_table(records),
            f'<p class="note">{escape(EXPLANATION)}</p>',
            "<h2>What each floor is made of</h2>",
            f'<p class="note">{escape(document["methodology"]["floor"])}.'
            f" {escape(document['methodology']['hashing'])}.</p>",
            _floor_table(records),
            "</body></html>",
            "",
        ]
    )
