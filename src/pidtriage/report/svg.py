"""Small inline SVG charts for the cohort dashboard: drawn here so the page needs no script library and works
offline. Labels are escaped (they come from the sample sheet and the panel)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from markupsafe import Markup, escape

__all__ = ["STATUS_COLOURS", "case_bars", "stacked_bars"]

STATUS_COLOURS = {"positive": "#1b7f3b", "inconclusive": "#b36b00", "negative": "#44607a", "failed": "#b00020"}


def stacked_bars(rows: Sequence[tuple[str, Mapping[str, int]]], keys: Sequence[str], *, title: str,
                 colours: Mapping[str, str] = STATUS_COLOURS, width: int = 640) -> Markup:
    """One horizontal bar per row, split by `keys`, with the count at the end and a legend."""
    if not rows:
        return Markup("")
    # labels in full (IUIS category names are long): the label column is as wide as the longest label needs
    label_w = min(480, max(120, 7 * max(len(r[0]) for r in rows)))
    width = max(width, label_w + 420)  # the bars and the legend of four statuses
    bar_h, gap, top = 18, 6, 28
    total_max = max(sum(r[1].get(k, 0) for k in keys) for r in rows) or 1
    scale = (width - label_w - 40) / total_max
    height = top + len(rows) * (bar_h + gap) + 10
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" role="img" width="{width}" height="{height}" '
           f'viewBox="0 0 {width} {height}"><title>{escape(title)}</title>']
    x: float = label_w
    for k in keys:  # legend
        out.append(f'<rect x="{x}" y="4" width="10" height="10" fill="{colours.get(k, "#888")}"/>'
                   f'<text x="{x + 14}" y="13" font-size="11">{escape(k)}</text>')
        x += 14 + 8 * len(k) + 16
    for i, (label, counts) in enumerate(rows):
        y = top + i * (bar_h + gap)
        out.append(f'<text x="{label_w - 6}" y="{y + 13}" font-size="11" text-anchor="end">{escape(label)}</text>')
        x = float(label_w)
        for k in keys:
            n = counts.get(k, 0)
            if n:
                w = n * scale
                out.append(f'<rect x="{x:.1f}" y="{y}" width="{w:.1f}" height="{bar_h}" fill="{colours.get(k, "#888")}">'
                           f'<title>{escape(label)}: {n} {escape(k)}</title></rect>')
                x += w
        out.append(f'<text x="{x + 4:.1f}" y="{y + 13}" font-size="11">{sum(counts.get(k, 0) for k in keys)}</text>')
    out.append("</svg>")
    return Markup("".join(out))


def case_bars(cases: Sequence[tuple[str, float | None, str]], *, title: str, y_label: str, width: int = 900) -> Markup:
    """One bar per case (label, value, status), sorted by value, coloured by status, with axis titles; a case
    without a value (failed) is a red mark at zero. Hovering a bar shows the case, its value and its status."""
    if not cases:
        return Markup("")
    ordered = sorted(cases, key=lambda c: (c[1] is not None, c[1] or 0, c[0]))
    left, top, h, bottom = 64, 26, 160, 42
    peak = max((v for _, v, _ in ordered if v is not None), default=0) or 1
    step = (width - left - 10) / len(ordered)
    bw = max(1.0, step - (2 if step > 6 else 0))
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" role="img" width="{width}" height="{top + h + bottom}" '
           f'viewBox="0 0 {width} {top + h + bottom}"><title>{escape(title)}</title>'
           f'<text x="{left}" y="14" font-size="12" font-weight="bold">{escape(title)}</text>'
           f'<line x1="{left}" y1="{top + h}" x2="{width - 10}" y2="{top + h}" stroke="#888"/>'
           f'<line x1="{left}" y1="{top}" x2="{left}" y2="{top + h}" stroke="#888"/>'
           f'<text x="{left - 4}" y="{top + 4}" font-size="10" text-anchor="end">{peak:.4g}</text>'
           f'<text x="{left - 4}" y="{top + h}" font-size="10" text-anchor="end">0</text>'
           f'<text x="14" y="{top + h / 2}" font-size="11" text-anchor="middle" '
           f'transform="rotate(-90 14 {top + h / 2})">{escape(y_label)}</text>'
           f'<text x="{(left + width) / 2}" y="{top + h + bottom - 6}" font-size="11" text-anchor="middle">'
           f'cases ({len(ordered)}), sorted by value; hover a bar for the case</text>']
    for i, (label, value, status) in enumerate(ordered):
        x = left + i * step
        tip = f"{label}: {'no value (' + status + ')' if value is None else f'{value:.4g}'} · {status}"
        if value is None:
            out.append(f'<rect x="{x:.1f}" y="{top + h - 6}" width="{bw:.1f}" height="6" fill="{STATUS_COLOURS["failed"]}">'
                       f'<title>{escape(tip)}</title></rect>')
        else:
            bh = h * value / peak
            out.append(f'<rect x="{x:.1f}" y="{top + h - bh:.1f}" width="{bw:.1f}" height="{bh:.1f}" '
                       f'fill="{STATUS_COLOURS.get(status, "#888")}"><title>{escape(tip)}</title></rect>')
        if len(ordered) <= 40:
            out.append(f'<text x="{x + bw / 2:.1f}" y="{top + h + 12}" font-size="9" text-anchor="middle">'
                       f'{escape(label[:10])}</text>')
    out.append("</svg>")
    return Markup("".join(out))
