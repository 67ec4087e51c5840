"""The walk map: an interactive Folium (Leaflet) page that transit staff open in a browser.

What it draws (``walktool map``):

* **stations** with data as circles coloured by their 0–100 score on ColorBrewer's
  colour-blind-safe diverging RdYlBu scale (red = many problems, blue = few), sized by
  their number of findings; a station seen by too few participants has a dashed
  outline, a paler fill and says so; every other station of the network is a small
  grey dot;
* **metro lines** in the colours of the stations layer, and the **entrances**;
* **findings** as markers coloured by severity (magma, colour-blind safe) with an icon
  per principle, clustered; one toggle per principle and a day / night switch in the
  layer control, and a heat layer of the findings shown, weighted by severity;
* a legend, a scale bar, a full-screen button, a locate button and a search box for
  station names;
* popups: a station card (score per principle, findings by severity, worst zones,
  feeling shares, top recommendations with who does them and by when) and a finding
  card (the question and its answer in words, severity, zone, period, date, comment,
  photo thumbnail).

On a phone (390 × 844) the layer control folds to an icon, the legend to one line,
popups fit the screen.  Online, the basemap is the one ``[map] tiles`` of
``walktool.toml`` chooses, requested with a referrer policy, and a notice says when
it (or the map's scripts) cannot load: ``walktool map --offline`` embeds Leaflet and
its plugins in the page and leaves out the basemap, so the page opens with no
network at all.

The package, along its seams:

========================  ============================================================
:mod:`~.data`             what the map shows, read from the project once; placing findings
:mod:`~.layers`           stations, network, entrances, clustered findings, toggles, heat
:mod:`~.popups`           the station card; the findings' rows and lookup tables
:mod:`~.photos`           a finding's photo: a local thumbnail, never a remote fetch
:mod:`~.legend`           the legend
:mod:`~.page`             the page every walktool map is drawn on (shared with the
                          comparison map): title, ``lang``, basemap, notice, pinned or
                          embedded assets, writing the HTML
:mod:`~.labels`           the map's words, French and English
:mod:`~.symbols`          colours, sizes, icons, escaping
``assets/``               the JavaScript, CSS and HTML templates of the pages
========================  ============================================================
"""

from __future__ import annotations

from walktool.maps.build import build_map, write_map
from walktool.maps.data import STM_ATTRIBUTION, place_findings
from walktool.maps.labels import MapError
from walktool.maps.page import bind_popup, map_html, new_map, offline_assets, write_page
from walktool.maps.symbols import NO_SCORE_COLOUR, SCORE_COLOURS, SEVERITY_COLOURS, score_colour

__all__ = [
    "NO_SCORE_COLOUR",
    "SCORE_COLOURS",
    "SEVERITY_COLOURS",
    "STM_ATTRIBUTION",
    "MapError",
    "bind_popup",
    "build_map",
    "map_html",
    "new_map",
    "offline_assets",
    "place_findings",
    "score_colour",
    "write_map",
    "write_page",
]
