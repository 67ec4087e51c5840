"""Field forms generated from a protocol, both of which ``walktool import`` reads back.

* :mod:`walktool.forms.xlsform`: the XLSForm for KoboToolbox and ODK Collect
  (:func:`build_xlsform`, :func:`write_xlsform`, :func:`check_xlsform`);
* :mod:`walktool.forms.fieldsheet`: the fillable Excel field sheet
  (:func:`write_field_sheet`);
* :mod:`walktool.forms.simulate`: submissions of the XLSForm written as
  KoboToolbox and ODK Central export them (tests, demos, training).

:func:`export_form` is what ``walktool protocol export`` runs.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from walktool.forms.fieldsheet import FieldSheet, write_field_sheet
from walktool.forms.xlsform import FormField, XLSForm, build_xlsform, check_xlsform, write_xlsform

if TYPE_CHECKING:
    from walktool.protocol import Protocol
    from walktool.stations import StationLayer

FORMATS = ("xlsform", "sheet")

__all__ = [
    "FORMATS",
    "FieldSheet",
    "FormField",
    "XLSForm",
    "build_xlsform",
    "check_xlsform",
    "export_form",
    "write_field_sheet",
    "write_xlsform",
]


def export_form(
    protocol: Protocol, stations: StationLayer, fmt: str, path: str | Path, *, lang: str = "fr"
) -> dict[str, Any]:
    """Write the XLSForm (checked with pyxform) or the field sheet; describe what was written.

    Parameters
    ----------
    protocol
        The checklist.
    stations
        The stations layer the forms offer.
    fmt
        ``xlsform`` or ``sheet``.
    path
        The ``.xlsx`` file to write.
    lang
        ``fr`` or ``en``: the XLSForm's default language, the field sheet's language.

    Returns
    -------
    dict
        ``format``, ``path``, ``protocol``, ``version``, ``lang``, ``stations``,
        ``items`` and, for the XLSForm, pyxform's ``warnings``.

    Raises
    ------
    ValueError
        For an unknown ``fmt`` or ``lang``.
    walktool.errors.WalktoolError
        When pyxform rejects the XLSForm.
    """
    path = Path(path)
    doc: dict[str, Any] = {
        "format": fmt,
        "path": str(path),
        "protocol": protocol.id,
        "version": protocol.version,
        "lang": lang,
        "stations": len(stations.stations),
        "items": len(protocol.items),
    }
    if fmt == "xlsform":
        write_xlsform(protocol, stations, path, lang=lang)
        doc["warnings"] = check_xlsform(path)
    elif fmt == "sheet":
        write_field_sheet(protocol, stations, path, lang=lang)
    else:
        msg = f"unknown form format {fmt!r}; use one of {', '.join(FORMATS)}"
        raise ValueError(msg)
    return doc
