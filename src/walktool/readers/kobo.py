"""KoboToolbox exports: CSV (``;``-quoted, labels or XML values) and XLSX with repeat sheets.

How Kobo writes its files (formpack, KPI export settings) is described in
``reference/formats.md`` §1; the points this reader relies on:

* every export ends with the system columns ``_id, _uuid, _submission_time, …, _index``,
  whose names stay the same in labels mode;
* a geopoint gives a raw ``"lat lon alt acc"`` column plus ``_X_latitude``,
  ``_X_longitude``, ``_X_altitude``, ``_X_precision`` where X is the question name
  (XML values) or label (labels mode), with the group prefix only on the four
  suffix columns (``walk/_location_latitude``);
* ``_submission_time`` is UTC without a suffix; ``start`` / ``end`` carry the
  device offset (stripped in typed XLSX exports, where they become local time);
* ``_uuid`` changes on each edit, ``meta/rootUuid`` does not;
* XLSX repeat sheets hold ``_parent_table_name`` and ``_parent_index`` pointing at
  the parent sheet's ``_index``; sheet names are cut to 31 characters, so repeat
  sheets are found by their columns and parents by a tolerant name match.

The file's own columns are kept as they are; only the reserved columns are filled.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from walktool.errors import Issue
from walktool.readers._base import (
    RESERVED,
    Probe,
    RawTable,
    overflow_issues,
    read_text_rows,
    read_xlsx_sheets,
    rows_to_frame,
)
from walktool.readers.kobo_layout import (
    _GEO_SUFFIX,
    Record,
    _find,
    _frame,
    _Layout,
    _layout,
    _numbered_repeats,
    _reserved,
    _reserved_columns,
    _split_header,
    _submission,
)

_SHEET_CLEAN = re.compile(r"[\[\]:*?/\\]")


# ---------------------------------------------------------------------------
# Sniffing
# ---------------------------------------------------------------------------


def _is_other_tool(headers: Sequence[str]) -> bool:
    """ODK (``SubmissionDate`` + ``KEY``, or ``PARENT_KEY``) and Epicollect (``ec5_*``) signatures."""
    hs = {h.strip() for h in headers}
    if "KEY" in hs and ("SubmissionDate" in hs or "PARENT_KEY" in hs):
        return True
    return any(h.lower().startswith("ec5_") for h in hs)


def _is_kobo_header(headers: Sequence[str]) -> bool:
    """A main-section header of a Kobo export (KPI, labels or XML values, or KoboCAT legacy)."""
    hs = {h.strip() for h in headers}
    if _is_other_tool(headers):
        return False
    if "_uuid" in hs and "_submission_time" in hs:
        return True
    # KoboCAT legacy "flattened" CSV: no system columns, but Kobo's ``meta/instanceID``
    # (ODK writes ``meta-instanceID``) next to Kobo-style geopoint columns or groups.
    return "meta/instanceID" in hs and any(_GEO_SUFFIX.match(h) or "/" in h for h in hs - {"meta/instanceID"})


def is_repeat_sheet_header(headers: Sequence[str]) -> bool:
    hs = {h.strip() for h in headers}
    return "_parent_index" in hs and ("_parent_table_name" in hs or "_index" in hs) and "_uuid" not in hs


def sniff_csv(probe: Probe) -> bool:
    """A delimited text file whose header carries Kobo's system columns."""
    header = probe.csv_header
    return bool(header) and _is_kobo_header(header)


def sniff_xlsx(probe: Probe) -> bool:
    """A workbook whose first sheet is a Kobo main section, or that holds a Kobo repeat sheet."""
    if not probe.is_xlsx:
        return False
    heads = [[c.strip() for c in rows[0]] if rows else [] for rows in probe.xlsx_head.values()]
    if not heads or any(_is_other_tool(h) for h in heads):
        return False
    first = set(heads[0])
    if "_uuid" in first and ("_submission_time" in first or "_index" in first):
        return True
    if any({"_parent_index", "_parent_table_name"} <= set(h) for h in heads):
        return True
    # trimmed exports (Kobo's own docs sample): ``_index`` on the main sheet, ``_parent_index`` on another
    return "_index" in first and any({"_index", "_parent_index"} <= set(h) for h in heads[1:])


# ---------------------------------------------------------------------------
# CSV
# ---------------------------------------------------------------------------


def read_csv(probe: Probe) -> list[RawTable]:
    """Read a Kobo CSV export (main section only: Kobo CSV has no repeats).

    The reserved columns are computed column-wise, so a large export is held once
    (as the frame), never as one Python dict per row.
    """
    file = str(probe.path)
    rows, _encoding, _sep = read_text_rows(probe.path)
    header, body = _split_header(rows)
    del rows
    frame = rows_to_frame(header, body)
    del body
    issues = overflow_issues(frame, file)
    frame.attrs.pop("overflow_rows", None)
    columns = [c for c in frame.columns if c != "__row"]
    lay = _layout(columns, lambda col: frame[col].tolist())
    reserved = _reserved_columns(lay, frame)
    for name in RESERVED:
        if name != "__row" and name in frame.columns:
            del frame[name]
    for name, values in reserved.items():
        frame[name] = values
    frame["__sheet"] = ""
    frame["__row"] = frame.pop("__row").astype(int)
    if not lay.submission and lay.instance:
        frame["__submission"] = _numbered_repeats(frame["__submission"])
    return [RawTable("kobo-csv", file, frame, issues)]


# ---------------------------------------------------------------------------
# XLSX
# ---------------------------------------------------------------------------


@dataclass
class _Sheet:
    name: str
    layout: _Layout
    records: list[Record]
    parent: str | None = None  # parent sheet name, for repeat sheets
    by_index: dict[str, int] = field(default_factory=dict)  # _index -> position in records


def _sheet_key(name: str) -> str:
    """A sheet or section name as Kobo shortens it: cleaned, without "..." or "(n)"."""
    name = _SHEET_CLEAN.sub("", name).strip()
    name = re.sub(r"\s*\(\d+\)$", "", name)
    return name.removesuffix("...").strip().casefold()


def _parent_sheet(table_name: str, sheets: dict[str, _Sheet], child: str, main: str) -> str:
    """The sheet named by ``_parent_table_name``: exact, then truncated (31 chars, "...", "(n)"), else main."""
    if table_name in sheets and table_name != child:
        return table_name
    target = _sheet_key(table_name)
    for name in sheets:
        key = _sheet_key(name)
        if name != child and key and (target == key or target.startswith(key)):
            return name
    return main


def _merge_names(chain_columns: Sequence[list[str]]) -> list[list[str]]:
    """Output names of each sheet's columns along a chain (leaf first): the leaf keeps its
    names, ancestors' clashing columns get ``.2``, ``.3`` … like :func:`unique_headers`."""
    used: set[str] = set()
    out: list[list[str]] = []
    for cols in chain_columns:
        names = []
        for col in cols:
            name = col
            n = 1
            while name in used:
                n += 1
                name = f"{col}.{n}"
            used.add(name)
            names.append(name)
        out.append(names)
    return out


def read_xlsx(probe: Probe) -> list[RawTable]:
    """Read a Kobo XLSX export, joining repeat sheets to their parents (one record per leaf row)."""
    file = str(probe.path)
    raw = read_xlsx_sheets(probe.path)
    issues: list[Issue] = []
    sheets: dict[str, _Sheet] = {}
    for name, rows in raw.items():
        header, body = _split_header(rows)
        frame = rows_to_frame(header, body)
        issues += overflow_issues(frame, file, name)
        columns = [c for c in frame.columns if c != "__row"]
        records: list[Record] = [
            {str(k): ("" if v is None else str(v)) for k, v in r.items()} for r in frame.to_dict("records")
        ]
        sheets[name] = _Sheet(name, _layout(columns, records), records)
    if not sheets:
        return [RawTable("kobo-xlsx", file, _frame([], []), issues)]

    main = next(iter(sheets))
    repeats = [s for s in sheets.values() if {"_parent_index", "_parent_table_name"} <= set(s.layout.columns)]
    # a trimmed export may lack _parent_table_name: the parent is then the main sheet
    repeats += [
        s for s in sheets.values()
        if s.name != main and s not in repeats and {"_index", "_parent_index"} <= set(s.layout.columns)
    ]
    kept = {main} | {s.name for s in repeats}
    for sheet in sheets.values():
        if "_index" in sheet.layout.columns:
            sheet.by_index = {r["_index"].strip(): i for i, r in enumerate(sheet.records) if r["_index"].strip()}

    # children[(parent sheet, parent position)] = [(child sheet, child position)] in sheet order
    children: dict[tuple[str, int], list[tuple[str, int]]] = {}
    parent_of: dict[tuple[str, int], tuple[str, int]] = {}
    for sheet in repeats:
        for i, rec in enumerate(sheet.records):
            table = rec.get("_parent_table_name", "").strip()
            parent_name = _parent_sheet(table, sheets, sheet.name, main) if table else main
            if parent_name not in kept:
                kept.add(parent_name)
            pos = sheets[parent_name].by_index.get(rec.get("_parent_index", "").strip())
            if pos is None:
                issues.append(Issue(
                    "kobo-orphan-repeat",
                    f"this repeat row points at _parent_index {rec.get('_parent_index', '')!r} of sheet "
                    f"{parent_name!r}, which has no such _index; it was read without its parent's answers",
                    "warning", file=file, sheet=sheet.name, row=int(rec["__row"]),
                ))
                continue
            children.setdefault((parent_name, pos), []).append((sheet.name, i))
            parent_of[(sheet.name, i)] = (parent_name, pos)

    # 1-based position of each repeat row among its parent's children (``_index`` is not stable)
    position = {node: n for kids in children.values() for n, node in enumerate(kids, 1)}

    def chain_of(node: tuple[str, int]) -> list[tuple[str, int]]:
        chain = [node]
        seen = {node}
        while chain[-1] in parent_of and parent_of[chain[-1]] not in seen:
            chain.append(parent_of[chain[-1]])
            seen.add(chain[-1])
        return chain

    def submission_of(node: tuple[str, int]) -> str:
        sheet = sheets[node[0]]
        rec = sheet.records[node[1]]
        if node not in parent_of:
            sub = _submission(sheet.layout, rec)
            if not sub and node[0] != main:
                col = _find(sheet.layout.columns, "_submission__uuid")
                sub = rec.get(col, "").strip() if col else ""
            return sub
        return f"{submission_of(parent_of[node])}#{position[node]}"

    leaves = [
        (name, i)
        for name in sheets
        if name in kept
        for i in range(len(sheets[name].records))
        if (name, i) not in children
    ]
    # in submission order: each root row followed by its repeat instances
    sheet_order = {name: n for n, name in enumerate(sheets)}
    leaves.sort(key=lambda leaf: [(sheet_order[s], i) for s, i in reversed(chain_of(leaf))])
    names_cache: dict[tuple[str, ...], list[list[str]]] = {}
    all_columns: list[str] = []
    seen_cols: set[str] = set()
    out: list[Record] = []
    for leaf in leaves:
        chain = chain_of(leaf)
        key = tuple(s for s, _ in chain)
        if key not in names_cache:
            names_cache[key] = _merge_names([sheets[s].layout.columns for s in key])
            for names in reversed(names_cache[key]):  # root columns first
                for col in names:
                    if col not in seen_cols:
                        seen_cols.add(col)
                        all_columns.append(col)
        row: Record = {}
        for (s, i), names in zip(chain, names_cache[key], strict=True):
            rec = sheets[s].records[i]
            for col, name in zip(sheets[s].layout.columns, names, strict=True):
                row[name] = rec.get(col, "")
        pairs = [(sheets[s].layout, sheets[s].records[i]) for s, i in chain]
        row.update(_reserved(pairs))
        row["__submission"] = submission_of(leaf)
        row["__sheet"] = leaf[0]
        row["__row"] = sheets[leaf[0]].records[leaf[1]]["__row"]
        out.append(row)
    for name in sheets:
        if name not in kept and sheets[name].records:
            issues.append(Issue(
                "kobo-extra-sheet",
                f"sheet {name!r} is neither the main sheet nor a repeat sheet (no _parent_index column); it was not read",
                "warning", file=file, sheet=name,
            ))
    if not out and not all_columns:
        all_columns = list(sheets[main].layout.columns)
    return [RawTable("kobo-xlsx", file, _frame(all_columns, out), issues)]


SNIFFERS = {"kobo-csv": sniff_csv, "kobo-xlsx": sniff_xlsx}
READERS = {"kobo-csv": read_csv, "kobo-xlsx": read_xlsx}
