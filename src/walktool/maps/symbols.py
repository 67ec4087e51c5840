"""Colours, sizes, icons and safe text for the maps.

Scores run on ColorBrewer's colour-blind-safe diverging RdYlBu scale (red = many
problems, blue = few); severities on magma, ordered by lightness so that they read
in grey and for every colour vision.  Principle icons are small SVG shapes drawn for
walktool (no icon font to load, online or off).
"""

from __future__ import annotations

import html
import json
import math
import re
from typing import Any

__all__ = [
    "HEAT_GRADIENT",
    "NO_SCORE_COLOUR",
    "SCORE_COLOURS",
    "SEVERITY_COLOURS",
    "UNKNOWN_SEVERITY_COLOUR",
    "colour",
    "e",
    "radius",
    "score_colour",
    "script_json",
    "svg",
]

# ColorBrewer RdYlBu (5 classes), colour-blind safe: 0 = red (every answer a problem) … 100 = blue.
SCORE_COLOURS = ("#d7191c", "#fdae61", "#ffffbf", "#abd9e9", "#2c7bb6")
NO_SCORE_COLOUR = "#9e9e9e"
# magma, light to dark: ordered by lightness, so it reads in grey and for every colour vision.
SEVERITY_COLOURS = {"low": "#fe9f6d", "medium": "#de4968", "high": "#8c2981", "critical": "#3b0f70"}
UNKNOWN_SEVERITY_COLOUR = "#777777"
# viridis, for the heat layer
HEAT_GRADIENT = {0.2: "#3b528b", 0.45: "#21918c", 0.7: "#5ec962", 1.0: "#fde725"}
MIN_RADIUS, MAX_RADIUS = 7.0, 22.0

# Principle icons: simple 16 × 16 SVG shapes drawn for walktool (no icon font needed offline).
ICONS = {
    "signage": '<path d="M7 1h2v2h4l2.5 2.5L13 8H9v7H7V8H3V3h4z"/>',
    "visibility": '<path d="M8 3C4 3 1.2 6 .5 8c.7 2 3.5 5 7.5 5s6.8-3 7.5-5C14.8 6 12 3 8 3zm0 8.2A3.2 3.2 0 1 1 8 4.8a3.2 3.2 0 0 1 0 6.4z"/><circle cx="8" cy="8" r="1.6"/>',
    "liveliness": '<path d="M2 2h12a1 1 0 0 1 1 1v7a1 1 0 0 1-1 1H8l-4 3.5V11H2a1 1 0 0 1-1-1V3a1 1 0 0 1 1-1z"/>',
    "help": '<path d="M6 1.5h4v4.5h4.5v4H10v4.5H6V10H1.5V6H6z"/>',
    "maintenance": '<path d="M8 .5l1.9 5.6L15.5 8l-5.6 1.9L8 15.5l-1.9-5.6L.5 8l5.6-1.9z"/>',
    "community": '<circle cx="4.5" cy="4.5" r="2.3"/><circle cx="11.5" cy="4.5" r="2.3"/><path d="M0 14c0-3.3 2-5.5 4.5-5.5S9 10.7 9 14zM7 14c0-3.3 2-5.5 4.5-5.5S16 10.7 16 14z"/>',
}
DEFAULT_ICON = '<circle cx="8" cy="8" r="4.5"/>'


def e(value: Any) -> str:
    """HTML-escape any value (None and NaN become an empty string)."""
    if value is None or (isinstance(value, float) and value != value):
        return ""
    return html.escape(str(value), quote=True)


def script_json(value: Any) -> str:
    """JSON safe to put inside a ``<script>`` element (no ``<``, ``>`` or ``&`` left)."""
    text = json.dumps(value, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def svg(principle: str | None, fill: str = "#fff", size: int = 12) -> str:
    """The principle's icon as inline SVG (a dot for an unknown principle)."""
    inner = ICONS.get(principle or "", DEFAULT_ICON)
    return f'<svg viewBox="0 0 16 16" width="{size}" height="{size}" fill="{fill}" aria-hidden="true">{inner}</svg>'


def score_colour(score: float | None) -> str:
    """The fill colour of a 0–100 score (RdYlBu, interpolated); grey when unscored."""
    if score is None or score != score:
        return NO_SCORE_COLOUR
    t = min(max(float(score), 0.0), 100.0) / 100.0 * (len(SCORE_COLOURS) - 1)
    i = min(int(t), len(SCORE_COLOURS) - 2)
    frac = t - i
    a, b = SCORE_COLOURS[i], SCORE_COLOURS[i + 1]
    rgb = [round(int(a[k : k + 2], 16) * (1 - frac) + int(b[k : k + 2], 16) * frac) for k in (1, 3, 5)]
    return "#" + "".join(f"{c:02x}" for c in rgb)


def radius(findings: int, most: int) -> float:
    """Circle radius (px): square-root scale of the station's findings, 7–22 px."""
    if most <= 0 or findings <= 0:
        return MIN_RADIUS
    return round(MIN_RADIUS + (MAX_RADIUS - MIN_RADIUS) * math.sqrt(findings / most), 1)


def colour(value: Any) -> str | None:
    """A ``#rrggbb`` colour from a stations layer's ``RRGGBB`` or ``#RRGGBB`` (None otherwise)."""
    text = str(value or "").strip()
    if re.fullmatch(r"#?[0-9A-Fa-f]{6}", text):
        return text if text.startswith("#") else "#" + text
    return None
