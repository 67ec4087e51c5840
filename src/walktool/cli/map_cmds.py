"""``walktool map``: the interactive walk map (Folium / Leaflet) for a browser."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from walktool.cli._common import (
    LangOpt,
    ProjectOpt,
    _,
    check_lang,
    handle_errors,
    num,
    out_console,
    pgettext,
    state,
)
from walktool.i18n import N_

CampaignOpt = Annotated[str | None, typer.Option("--campaign", help=N_("Campaign name (default: the only or the latest one)."))]
AudienceOpt = Annotated[
    str,
    typer.Option("--audience", help=N_("staff (exact positions, comments) or public (positions rounded to ~100 m, comments only when publishable, faces blurred).")),
]


@handle_errors
def map_(
    campaign: CampaignOpt = None,
    lang: LangOpt = None,
    offline: Annotated[
        bool,
        typer.Option("--offline", help=N_("Embed Leaflet and its plugins in the page and leave out the basemap: opens with no internet.")),
    ] = False,
    out: Annotated[
        Path | None, typer.Option("--out", help=N_("The HTML page to write (default: reports/map.html in the project)."), show_default=False)
    ] = None,
    audience: AudienceOpt = "staff",
    project: ProjectOpt = Path("."),
) -> None:
    """Write the walk map: stations by score, findings by severity and principle, popups with recommendations."""
    from walktool.cli._rules import open_checked as open_project
    from walktool.maps import write_map

    lang = check_lang(lang) or state.lang  # --lang before the command, WALKTOOL_LANG, the project, LANG
    if audience not in ("staff", "public"):
        raise typer.BadParameter(_("{value}: use staff or public").format(value=repr(audience)), param_hint="--audience")
    with open_project(project, read_only=True) as proj:
        path = write_map(proj, out, campaign=campaign, lang=lang, offline=offline, audience=audience)
        tiles = proj.settings.map_tiles
    size = path.stat().st_size / 1e6
    if offline:
        mode = _("offline, everything embedded")
    elif tiles.lower() == "none":
        mode = _("scripts from the internet, no basemap")
    else:
        mode = _("basemap {tiles} and scripts from the internet ([map] tiles in walktool.toml)").format(tiles=tiles)
    who = pgettext("audience", "public") if audience == "public" else pgettext("audience", "staff")
    out_console().print(_("Map written to {path} ({size} MB, {mode}, for {audience}); open it in a web browser.").format(
        path=path, size=num(size, 1), mode=mode, audience=who), markup=False)


def register(app: typer.Typer) -> None:
    """Add ``walktool map`` to the app."""
    app.command("map")(map_)
