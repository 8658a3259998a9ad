"""Charts drawn on the server as inline SVG: no script, readable by screen readers, themable by CSS.

The reputation graph is a step line: reputation holds between the days it changes. Colours come
from the stylesheet (`.rep-chart` rules), so the chart follows the light and dark themes.
"""

from __future__ import annotations

from datetime import date

from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString

WIDTH, HEIGHT = 640, 180
PAD_LEFT, PAD_RIGHT, PAD_TOP, PAD_BOTTOM = 56, 12, 12, 28


def _fmt(number: float) -> str:
    return f"{number:.1f}".rstrip("0").rstrip(".")


def reputation_chart(history: list[tuple[date, int]], chart_id: str = "rep-chart") -> SafeString:
    """An SVG step chart of reputation through `history`: (day, reputation at its end), oldest
    first, the first point where the history starts (see `pnyx.posts.reputation_selectors`).

    At most one point per horizontal pixel is drawn (the day's last value), so a user with years
    of daily votes gets a chart of bounded size.
    """
    points = list(history)
    if len(points) < 2:
        points.append((points[-1][0], points[-1][1]))
    first_day, last_day = points[0][0], points[-1][0]
    span_days = max((last_day - first_day).days, 1)
    low = min(rep for _, rep in points)
    high = max(rep for _, rep in points)
    span_rep = max(high - low, 1)
    plot_w = WIDTH - PAD_LEFT - PAD_RIGHT
    plot_h = HEIGHT - PAD_TOP - PAD_BOTTOM

    def x_of(day: date) -> float:
        return PAD_LEFT + plot_w * (day - first_day).days / span_days

    def y_of(rep: int) -> float:
        return PAD_TOP + plot_h * (1 - (rep - low) / span_rep)

    by_pixel: dict[int, tuple[float, float]] = {}
    for day, rep in points:
        x = x_of(day)
        by_pixel[round(x)] = (x, y_of(rep))
    coords = sorted(by_pixel.values())
    path = [f"M{_fmt(coords[0][0])} {_fmt(coords[0][1])}"]
    for x, y in coords[1:]:
        path.append(f"H{_fmt(x)}V{_fmt(y)}")
    path.append(f"H{_fmt(PAD_LEFT + plot_w)}")
    final = points[-1][1]
    description = (
        f"Reputation went from {points[0][1]:,} on {first_day.isoformat()} to {final:,} "
        f"on {last_day.isoformat()}, highest {high:,}."
    )
    labels = format_html_join(
        "",
        '<text class="axis-label" x="{}" y="{}" text-anchor="{}">{}</text>',
        [
            (PAD_LEFT - 6, _fmt(PAD_TOP + 10), "end", f"{high:,}"),
            (PAD_LEFT - 6, _fmt(PAD_TOP + plot_h), "end", f"{low:,}"),
            (PAD_LEFT, HEIGHT - 8, "start", first_day.isoformat()),
            (WIDTH - PAD_RIGHT, HEIGHT - 8, "end", last_day.isoformat()),
        ],
    )
    return format_html(
        '<svg class="rep-chart" viewBox="0 0 {w} {h}" width="100%" role="img" '
        'aria-labelledby="{id}-title {id}-desc" preserveAspectRatio="xMidYMid meet">'
        '<title id="{id}-title">Reputation over time</title>'
        '<desc id="{id}-desc">{desc}</desc>'
        '<line class="axis" x1="{l}" y1="{b}" x2="{r}" y2="{b}"/>'
        '<line class="axis" x1="{l}" y1="{t}" x2="{l}" y2="{b}"/>'
        '<path class="line" d="{path}"/>{labels}</svg>',
        w=WIDTH,
        h=HEIGHT,
        id=chart_id,
        desc=description,
        l=PAD_LEFT,
        r=WIDTH - PAD_RIGHT,
        t=PAD_TOP,
        b=PAD_TOP + plot_h,
        path="".join(path),
        labels=labels,
    )
