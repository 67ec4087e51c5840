"""Field forms generated from a protocol, both of which ``walktool import`` reads back.

* :mod:`walktool.forms.xlsform`: the XLSForm for KoboToolbox and ODK Collect
  (:func:`build_xlsform`, :func:`write_xlsform`, :func:`check_xlsform`);
* :mod:`walktool.forms.fieldsheet`: the fillable Excel field sheet
  (:func:`write_field_sheet`), with its paper stop form and findings page
  (:mod:`walktool.forms.paper`), also written as a PDF
  (:mod:`walktool.forms.paper_pdf`);
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

FORMATS = ("xlsform", "sheet", "pdf")

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
    protocol: Protocol, stations: StationLayer, fmt: str, path: str | Path, *, lang: str = "fr", stops: int = 1
) -> dict[str, Any]:
    """Write the XLSForm (checked with pyxform), the field sheet or its paper PDF; describe what was written.

    Parameters
    ----------
    protocol
        The checklist.
    stations
        The stations layer the forms offer.
    fmt
        ``xlsform``, ``sheet`` (a workbook) or ``pdf`` (the paper sheet).
    path
        The ``.xlsx`` (or ``.pdf``) file to write.
    lang
        ``fr`` or ``en``: the XLSForm's default language, the field sheet's language.
    stops
        How many stop pages the paper stop form has (``sheet`` and ``pdf``).

    Returns
    -------
    dict
        ``format``, ``path``, ``protocol``, ``version``, ``lang``, ``stations``,
        ``items`` and, for the XLSForm, pyxform's ``warnings``; for the PDF, ``pages``.

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
        write_field_sheet(protocol, stations, path, lang=lang, paper_stops=stops)
    elif fmt == "pdf":
        from walktool.forms._common import check_lang
        from walktool.forms.paper_pdf import write_paper_pdf

        doc["pages"] = write_paper_pdf(protocol, path, lang=check_lang(lang), stops=stops)
    else:
        msg = f"unknown form format {fmt!r}; use one of {', '.join(FORMATS)}"
        raise ValueError(msg)
    return doc
