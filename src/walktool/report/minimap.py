"""A small static map of one station for the PDF brief: vector drawing, no tiles, no internet.

Drawn with ReportLab graphics from the project's stations layer (metro lines,
neighbouring stations, the station's entrances) and the findings that carry
their own position, coloured by severity.  Positions are projected to the UTM
zone of the station (:func:`walktool.stations.metric_crs`) so that the scale bar
is in true metres.
"""

from __future__ import annotations

import json
import math
from typing import TYPE_CHECKING, Any

from walktool.pdfdoc import FONT, FONT_BOLD, MUTED, SEVERITY_COLOURS

if TYPE_CHECKING:
    import pandas as pd

    from walktool.stations import StationLayer

MIN_HALF_EXTENT_M = 250.0
MAX_HALF_EXTENT_M = 700.0
_LINE_COLOURS = {"green": "#00A650", "orange": "#F08123", "yellow": "#FFE400", "blue": "#0083CA"}
_SEVERITY_DRAW_ORDER = ("low", "medium", "high", "critical")  # the most severe drawn last, on top


def _colour(value: Any) -> Any:
    from reportlab.lib.colors import HexColor

    text = str(value or "").strip()
    if text.lower() in _LINE_COLOURS:
        return HexColor(_LINE_COLOURS[text.lower()])
    if text and not text.startswith("#") and len(text) in (3, 6):
        text = "#" + text
    try:
        return HexColor(text)
    except (ValueError, TypeError):
        return HexColor("#7F7F7F")


def station_map(
    layer: StationLayer,
    station: dict[str, Any],
    found: pd.DataFrame | None,
    *,
    width: float,
    height: float,
    credit: str,
    labels: dict[str, str],
) -> Any:
    """A ReportLab ``Drawing`` of the station, its entrances, the lines and the located findings.

    Parameters
    ----------
    layer
        The project's stations layer (EPSG:4326).
    station
        The station record (``station_id``, ``name``).
    found
        The station's findings (``lat``, ``lon``, ``severity``), or None.
    width, height
        The drawing's size in points.
    credit
        The data credit printed in the corner.
    labels
        ``scale`` (``"{m} m"``), ``north`` (``N``), ``unlocated`` (``"{n} …"``) and
        the severity labels, in the brief's language.
    """
    from pyproj import Transformer
    from reportlab.graphics.shapes import Circle, Drawing, Group, Line, PolyLine, Rect, String
    from reportlab.lib.colors import HexColor, white
    from shapely.geometry import LineString, box

    from walktool.stations import metric_crs

    sid = str(station["station_id"])
    here = layer.stations[layer.stations["station_id"].astype(str) == sid]
    located = None
    if found is not None and len(found) and {"lat", "lon"} <= set(found.columns):
        located = found.dropna(subset=["lat", "lon"])
    if len(here):
        lat0, lon0 = float(here["lat"].iloc[0]), float(here["lon"].iloc[0])
    elif located is not None and len(located):
        lat0, lon0 = float(located["lat"].median()), float(located["lon"].median())
    else:
        lat0 = lon0 = math.nan
    drawing = Drawing(width, height)
    drawing.add(Rect(0, 0, width, height, fillColor=HexColor("#F4F6F8"), strokeColor=HexColor("#BFBFBF"), strokeWidth=0.6))
    if math.isnan(lat0):
        drawing.add(String(width / 2, height / 2, "–", fontName=FONT, fontSize=10, textAnchor="middle"))
        return drawing
    to_m = Transformer.from_crs("EPSG:4326", metric_crs(lat0, lon0), always_xy=True)
    x0, y0 = to_m.transform(lon0, lat0)

    # extent: the station's surroundings, grown to show its located findings (within reason)
    half = MIN_HALF_EXTENT_M
    pts: list[tuple[float, float, str]] = []
    if located is not None and len(located):
        xs, ys = to_m.transform(located["lon"].to_numpy(float), located["lat"].to_numpy(float))
        for x, y, sev in zip(xs, ys, located["severity"].astype(str), strict=True):
            pts.append((float(x) - x0, float(y) - y0, sev))
        reach = max(max(abs(x), abs(y)) for x, y, _ in pts) * 1.15
        half = min(MAX_HALF_EXTENT_M, max(half, reach))
    aspect = width / height
    half_x, half_y = (half * aspect, half) if aspect >= 1 else (half, half / aspect)
    scale = width / (2 * half_x)

    def px(x: float, y: float) -> tuple[float, float]:
        return width / 2 + x * scale, height / 2 + y * scale

    frame = box(-half_x, -half_y, half_x, half_y)
    art = Group()
    for line in layer.lines.to_dict("records"):
        try:
            coords = json.loads(line["coords"]) if isinstance(line["coords"], str) else line["coords"]
        except (TypeError, ValueError):
            continue
        if not coords or len(coords) < 2:
            continue
        lx, ly = to_m.transform([c[0] for c in coords], [c[1] for c in coords])
        clipped = LineString([(a - x0, b - y0) for a, b in zip(lx, ly, strict=True)]).intersection(frame)
        parts = getattr(clipped, "geoms", [clipped])
        for part in parts:
            if part.is_empty or part.geom_type != "LineString":
                continue
            flat = [v for x, y in part.coords for v in px(x, y)]
            art.add(PolyLine(flat, strokeColor=_colour(line.get("color")), strokeWidth=4, strokeLineCap=1))
    # neighbouring stations, then this one's entrances and itself
    sx, sy = to_m.transform(layer.stations["lon"].to_numpy(float), layer.stations["lat"].to_numpy(float))
    for (x, y), other, name in zip(zip(sx, sy, strict=True), layer.stations["station_id"].astype(str), layer.stations["name"], strict=True):
        dx, dy = float(x) - x0, float(y) - y0
        if other == sid or abs(dx) > half_x * 0.95 or abs(dy) > half_y * 0.95:
            continue
        cx, cy = px(dx, dy)
        art.add(Circle(cx, cy, 4, fillColor=white, strokeColor=HexColor("#404040"), strokeWidth=1))
        art.add(String(cx + 6, cy - 3, str(name), fontName=FONT, fontSize=6.5, fillColor=HexColor(MUTED)))
    for sev in _SEVERITY_DRAW_ORDER:
        for x, y, s in pts:
            if s != sev or abs(x) > half_x or abs(y) > half_y:
                continue
            cx, cy = px(x, y)
            art.add(Circle(cx, cy, 3.2, fillColor=HexColor(SEVERITY_COLOURS.get(sev, "#7F7F7F")), strokeColor=white, strokeWidth=0.6))
    cx, cy = px(0, 0)
    art.add(Circle(cx, cy, 7, fillColor=None, strokeColor=HexColor("#1F3864"), strokeWidth=2))
    doors = layer.entrances[layer.entrances["station_id"].astype(str) == sid]
    if len(doors):
        ex, ey = to_m.transform(doors["lon"].to_numpy(float), doors["lat"].to_numpy(float))
        for x, y in zip(ex, ey, strict=True):
            ux, uy = px(float(x) - x0, float(y) - y0)
            art.add(Rect(ux - 2.5, uy - 2.5, 5, 5, fillColor=HexColor("#1F3864"), strokeColor=white, strokeWidth=0.5))
    drawing.add(art)
    _label(drawing, cx + 10, cy + 8, str(station.get("name") or sid), FONT_BOLD, 8, "#1F3864")

    # scale bar, north arrow, legend, credit
    bar_m = _nice_length(half_x * 0.5)
    bar = bar_m * scale
    drawing.add(Rect(8, 8, bar, 3, fillColor=HexColor("#404040"), strokeColor=None))
    drawing.add(String(8, 14, labels["scale"].format(m=int(bar_m)), fontName=FONT, fontSize=6.5))
    drawing.add(Line(width - 14, height - 26, width - 14, height - 10, strokeColor=HexColor("#404040"), strokeWidth=1.2))
    drawing.add(PolyLine([width - 18, height - 15, width - 14, height - 9, width - 10, height - 15], strokeColor=HexColor("#404040"), strokeWidth=1.2))
    drawing.add(String(width - 14, height - 36, labels["north"], fontName=FONT_BOLD, fontSize=7, textAnchor="middle"))
    y = height - 12
    for sev in reversed(_SEVERITY_DRAW_ORDER):
        drawing.add(Circle(12, y + 2.5, 3, fillColor=HexColor(SEVERITY_COLOURS[sev]), strokeColor=white, strokeWidth=0.5))
        drawing.add(String(19, y, labels.get(sev, sev), fontName=FONT, fontSize=6.5))
        y -= 9
    drawing.add(Rect(9.5, y, 5, 5, fillColor=HexColor("#1F3864"), strokeColor=white, strokeWidth=0.5))
    drawing.add(String(19, y, labels.get("entrance", "entrance"), fontName=FONT, fontSize=6.5))
    unlocated = 0 if found is None else len(found) - (0 if located is None else len(located))
    if unlocated:
        _label(drawing, 8, 24, labels["unlocated"].format(n=unlocated), FONT, 6, MUTED)
    drawing.add(String(width - 4, 4, credit, fontName=FONT, fontSize=5.5, textAnchor="end", fillColor=HexColor(MUTED)))
    return drawing


def _label(drawing: Any, x: float, y: float, text: str, font: str, size: float, colour: str) -> None:
    """Text on a white backing, readable over lines and dots."""
    from reportlab.graphics.shapes import Rect, String
    from reportlab.lib.colors import Color, HexColor
    from reportlab.pdfbase.pdfmetrics import stringWidth

    width = stringWidth(text, font, size)
    drawing.add(Rect(x - 1.5, y - 2, width + 3, size + 2.5, fillColor=Color(1, 1, 1, alpha=0.85), strokeColor=None))
    drawing.add(String(x, y, text, fontName=font, fontSize=size, fillColor=HexColor(colour)))


def _nice_length(metres: float) -> float:
    """A round scale-bar length (50, 100, 200, 250, 500 m …) at most ``metres``."""
    for candidate in (1000, 500, 250, 200, 100, 50, 25):
        if candidate <= metres:
            return float(candidate)
    return 10.0
