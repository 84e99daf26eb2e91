"""Charts and the heat layer as server-side SVG (no script, no tile service, no outside data):
pure functions from numbers to markup; every label is escaped."""

from __future__ import annotations

from xml.sax.saxutils import escape

from django.utils.safestring import SafeString, mark_safe

PALETTE = ["#0b4f9c", "#0f6b3a", "#8a5300", "#b0171f", "#5a2d82", "#00606b"]


def _svg(width: int, height: int, label: str, body: str) -> SafeString:
    return mark_safe(  # noqa: S308 - every text below is escaped
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" width="100%" role="img" '
        f'aria-label="{escape(label, {chr(34): "&quot;"})}" class="chart"><title>{escape(label)}</title>{body}</svg>')


def bar_chart(rows: list[tuple[str, float]], *, label: str, unit: str = "", max_value: float | None = None,
              width: int = 640) -> SafeString:
    """Horizontal bars: one row per (label, value)."""
    row_h, left, right = 28, 190, 70
    height = max(row_h * len(rows) + 20, 40)
    top = max([v for _, v in rows] + [max_value or 0, 1e-9])
    parts = []
    for i, (name, value) in enumerate(rows):
        y = 10 + i * row_h
        w = (width - left - right) * (value / top if top else 0)
        shown = f"{value:.1f}{unit}" if isinstance(value, float) else f"{value}{unit}"
        parts.append(f'<text x="{left - 8}" y="{y + 18}" text-anchor="end" font-size="14" fill="#1a1a1a">{escape(name[:14])}</text>'
                     f'<rect x="{left}" y="{y + 4}" width="{w:.1f}" height="{row_h - 10}" fill="{PALETTE[0]}"/>'
                     f'<text x="{left + w + 6:.1f}" y="{y + 18}" font-size="14" fill="#1a1a1a">{escape(shown)}</text>')
    return _svg(width, height, label, "".join(parts))


def column_chart(series: dict[str, list[float | None]], months: list[str], *, label: str, unit: str = "%",
                 max_value: float = 100.0, width: int = 640, height: int = 260) -> SafeString:
    """Monthly lines (one per series) with a legend; None = no data that month."""
    left, bottom, top_pad = 44, 40, 16
    plot_w, plot_h = width - left - 16, height - bottom - top_pad - 24
    n = max(len(months), 1)
    step = plot_w / max(n - 1, 1)
    parts = [f'<line x1="{left}" y1="{top_pad + plot_h}" x2="{left + plot_w}" y2="{top_pad + plot_h}" stroke="#4a4f55"/>']
    for frac in (0, 0.5, 1):
        y = top_pad + plot_h * (1 - frac)
        tick = f"{max_value * frac:.0f}{escape(unit)}"
        parts.append(f'<text x="{left - 6}" y="{y + 4:.1f}" text-anchor="end" font-size="12" fill="#4a4f55">{tick}</text>'
                     f'<line x1="{left}" y1="{y:.1f}" x2="{left + plot_w}" y2="{y:.1f}" stroke="#c9ced6" stroke-dasharray="3 3"/>')
    for i, month in enumerate(months):
        if n <= 12 or i % 2 == 0:
            parts.append(f'<text x="{left + i * step:.1f}" y="{top_pad + plot_h + 16}" text-anchor="middle" font-size="11" '
                         f'fill="#4a4f55">{escape(month[2:])}</text>')
    for k, (name, values) in enumerate(series.items()):
        colour = PALETTE[k % len(PALETTE)]
        points = [(left + i * step, top_pad + plot_h * (1 - min(v, max_value) / max_value))
                  for i, v in enumerate(values) if v is not None]
        if points:
            path = " ".join(f"{x:.1f},{y:.1f}" for x, y in points)
            parts.append(f'<polyline points="{path}" fill="none" stroke="{colour}" stroke-width="2.5"/>')
            parts += [f'<circle cx="{x:.1f}" cy="{y:.1f}" r="3" fill="{colour}"/>' for x, y in points]
        lx = left + k * 150
        parts.append(f'<rect x="{lx}" y="{height - 16}" width="12" height="12" fill="{colour}"/>'
                     f'<text x="{lx + 16}" y="{height - 6}" font-size="13" fill="#1a1a1a">{escape(name)}</text>')
    return _svg(width, height, label, "".join(parts))


def heat_map(cells: dict[tuple[int, int], int], *, rows: int, cols: int, bbox: tuple[float, float, float, float],
             places: list[tuple[str, float, float]], label: str, width: int = 640) -> SafeString:
    """A grid heat layer over a lat/lng box (min_lat, max_lat, min_lng, max_lng) with place labels."""
    min_lat, max_lat, min_lng, max_lng = bbox
    height = int(width * (max_lat - min_lat) / (max_lng - min_lng) * 1.2)
    cw, ch = width / cols, height / rows
    top = max(cells.values(), default=0)
    parts = [f'<rect x="0" y="0" width="{width}" height="{height}" fill="#f4f6f9" stroke="#c9ced6"/>']
    for (r, c), count in sorted(cells.items()):
        if not count:
            continue
        alpha = 0.15 + 0.85 * count / top
        parts.append(f'<rect x="{c * cw:.1f}" y="{(rows - 1 - r) * ch:.1f}" width="{cw:.1f}" height="{ch:.1f}" '
                     f'fill="#b0171f" fill-opacity="{alpha:.2f}"><title>{count} 件</title></rect>')
    for name, lat, lng in places:
        if min_lat <= lat <= max_lat and min_lng <= lng <= max_lng:
            x = (lng - min_lng) / (max_lng - min_lng) * width
            y = (max_lat - lat) / (max_lat - min_lat) * height
            parts.append(f'<circle cx="{x:.1f}" cy="{y:.1f}" r="2.5" fill="#1a1a1a"/>'
                         f'<text x="{x + 4:.1f}" y="{y - 4:.1f}" font-size="13" fill="#1a1a1a" stroke="#fff" stroke-width="3" '
                         f'paint-order="stroke">{escape(name)}</text>')
    parts.append(f'<text x="8" y="{height - 8}" font-size="12" fill="#4a4f55">颜色越深，诉求越多（最多 {top} 件/格）</text>')
    return _svg(width, height, label, "".join(parts))


def cell_of(lat: float, lng: float, *, rows: int, cols: int, bbox) -> tuple[int, int] | None:
    min_lat, max_lat, min_lng, max_lng = bbox
    if not (min_lat <= lat < max_lat and min_lng <= lng < max_lng):
        return None
    return int((lat - min_lat) / (max_lat - min_lat) * rows), int((lng - min_lng) / (max_lng - min_lng) * cols)
