"""Small inline SVG charts for the cohort dashboard: drawn here so the page needs no script library and works
offline. Labels are escaped (they come from the sample sheet and the panel)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from markupsafe import Markup, escape

__all__ = ["STATUS_COLOURS", "histogram", "stacked_bars"]

STATUS_COLOURS = {"positive": "#1b7f3b", "inconclusive": "#b36b00", "negative": "#44607a", "failed": "#b00020"}


def stacked_bars(rows: Sequence[tuple[str, Mapping[str, int]]], keys: Sequence[str], *, title: str,
                 colours: Mapping[str, str] = STATUS_COLOURS, width: int = 640) -> Markup:
    """One horizontal bar per row, split by `keys`, with the count at the end and a legend."""
    if not rows:
        return Markup("")
    label_w, bar_h, gap, top = 210, 18, 6, 28
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
        out.append(f'<text x="{label_w - 6}" y="{y + 13}" font-size="11" text-anchor="end">{escape(label[:34])}</text>')
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


def histogram(values: Sequence[float], *, title: str, unit: str, bins: int = 10, width: int = 640) -> Markup:
    """A histogram of one QC value across cases (e.g. records in the panel regions, Ti/Tv)."""
    vals = [v for v in values if v is not None]
    if not vals:
        return Markup("")
    lo, hi = min(vals), max(vals)
    step = (hi - lo) / bins or 1
    counts = [0] * bins
    for v in vals:
        counts[min(int((v - lo) / step), bins - 1)] += 1
    h, top, left = 120, 20, 40
    bw = (width - left - 10) / bins
    peak = max(counts) or 1
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" role="img" width="{width}" height="{h + top + 30}" '
           f'viewBox="0 0 {width} {h + top + 30}"><title>{escape(title)}</title>'
           f'<text x="{left}" y="12" font-size="11">{escape(title)} ({escape(unit)})</text>']
    for i, n in enumerate(counts):
        bh = h * n / peak
        x = left + i * bw
        out.append(f'<rect x="{x:.1f}" y="{top + h - bh:.1f}" width="{bw - 2:.1f}" height="{bh:.1f}" fill="#44607a">'
                   f'<title>{lo + i * step:.3g}-{lo + (i + 1) * step:.3g}: {n} case(s)</title></rect>')
    out.append(f'<text x="{left}" y="{top + h + 14}" font-size="11">{lo:.3g}</text>'
               f'<text x="{width - 10}" y="{top + h + 14}" font-size="11" text-anchor="end">{hi:.3g}</text>'
               f'<text x="{left - 4}" y="{top + 10}" font-size="11" text-anchor="end">{peak}</text></svg>')
    return Markup("".join(out))
