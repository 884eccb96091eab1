"""Small, self-contained SVG charts: no scripts, no fonts, nothing fetched."""

from __future__ import annotations

from html import escape


def _fmt(value: float) -> str:
    if float(value).is_integer() and abs(value) >= 100:
        return f"{int(value):,}"
    return f"{value:.3f}".rstrip("0").rstrip(".") if abs(value) < 100 else f"{value:,.1f}"


def bar_chart(
    title: str,
    bars: list[tuple[str, float]],
    *,
    reference: tuple[str, float] | None = None,
    width: int = 640,
) -> str:
    """A horizontal bar chart. ``reference`` draws a labelled vertical line (a threshold)."""
    label_w, value_w, bar_h, gap, top = 200, 70, 18, 6, 34
    plot_w = width - label_w - value_w - 10
    height = top + len(bars) * (bar_h + gap) + 26
    values = [v for _, v in bars] + ([reference[1]] if reference else [])
    high = max([abs(v) for v in values] + [1e-12])
    scale = plot_w / high
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" role="img" width="{width}" '
        f'height="{height}" viewBox="0 0 {width} {height}" font-family="sans-serif" '
        f'font-size="12"><title>{escape(title)}</title>',
        f'<text x="0" y="16" font-size="14" font-weight="bold">{escape(title)}</text>',
    ]
    for i, (label, value) in enumerate(bars):
        y = top + i * (bar_h + gap)
        w = max(1.0, abs(value) * scale)
        parts.append(
            f'<text x="{label_w - 6}" y="{y + bar_h - 5}" text-anchor="end">{escape(label)}</text>'
            f'<rect x="{label_w}" y="{y}" width="{w:.1f}" height="{bar_h}" fill="#3b6ea5"/>'
            f'<text x="{label_w + w + 4:.1f}" y="{y + bar_h - 5}">{escape(_fmt(value))}</text>'
        )
    if reference is not None:
        name, value = reference
        x = label_w + value * scale
        bottom = top + len(bars) * (bar_h + gap)
        parts.append(
            f'<line x1="{x:.1f}" y1="{top - 4}" x2="{x:.1f}" y2="{bottom}" stroke="#b22222" '
            f'stroke-width="2" stroke-dasharray="4 3"/>'
            f'<text x="{x:.1f}" y="{bottom + 16}" text-anchor="middle" fill="#b22222">'
            f"{escape(name)} {escape(_fmt(value))}</text>"
        )
    parts.append("</svg>")
    return "".join(parts)
