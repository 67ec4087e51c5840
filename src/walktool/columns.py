"""Understanding columns: which header is which item, context field or nothing.

The same rules serve every format: a header names an item by its key, label or
synonym (French or English, with or without group paths such as ``walk/station``
or ``signage-sign_exits``); the context fields (station, zone, severity …) are
recognised from a vocabulary of French and English header names; a mapping file
(``--map``) overrides all of this for forms that use other names.

>>> context_role("Gravité")
'severity'
>>> context_role("walk/station")
'station'
>>> context_role("Commentaires")
'comment'
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from walktool.errors import Issue, SheetFormatError
from walktool.i18n import N_, Phrase
from walktool.textnorm import compact, fold

if TYPE_CHECKING:
    from walktool.protocol import Protocol

# Header names of context fields, French and English; matched after folding
# (accents, case, punctuation and spacing ignored).
CONTEXT_SYNONYMS: dict[str, tuple[str, ...]] = {
    "station": ("station", "gare", "station de metro", "metro", "station metro", "nom de la station",
                "nom de la gare", "station name", "station_name", "stop", "arret", "nom station", "station visitee"),
    "zone": ("zone", "secteur", "endroit", "emplacement", "lieu", "lieu dans la station", "area",
             "spot", "location in station", "zone de la station", "station zone", "partie de la station",
             "sous zone", "espace"),
    "period": ("period", "periode", "moment", "jour nuit", "day night", "jour ou nuit", "time of day",
               "moment de la journee"),
    "severity": ("severity", "gravite", "severite", "niveau de gravite", "urgence", "niveau", "priorite",
                 "priority", "importance", "criticite"),
    "comment": ("comment", "comments", "commentaire", "commentaires", "remarque", "remarques", "observation",
                "observations", "note", "notes", "description", "details", "detail", "constat",
                "constats", "explication", "precisions", "why", "pourquoi"),
    "photo": ("photo", "photos", "image", "picture", "fichier photo", "photo file", "nom de la photo",
              "photo name", "media", "photo id", "no photo", "numero de photo"),
    "lat": ("lat", "latitude", "y", "gps latitude", "latitude gps"),
    "lon": ("lon", "long", "lng", "longitude", "x", "gps longitude", "longitude gps"),
    "geopoint": ("location", "localisation", "position", "gps", "coordonnees", "coordinates",
                 "geopoint", "point gps", "coordonnees gps", "geolocation", "geolocalisation", "_geolocation"),
    "accuracy": ("accuracy", "precision", "precision gps", "gps accuracy", "accuracy m", "precision m"),
    "datetime": ("datetime", "date time", "date heure", "date et heure", "horodatage", "timestamp",
                 "date time of observation", "observed at", "heure et date"),
    "date": ("date", "jour", "date de la marche", "date of walk", "walk date", "today"),
    "time": ("time", "heure", "hour", "heure de l'observation", "time of observation"),
    "observer": ("observer", "observateur", "observatrice", "observateur trice", "participant",
                 "participante", "participant e", "participant id", "participant_id", "nom",
                 "name", "enqueteur", "enqueteuse", "auteur", "author", "rater", "evaluateur", "marcheur",
                 "marcheuse", "walker", "email", "courriel", "e mail"),
    "item": ("item", "element", "critere", "question", "indicateur", "aspect", "probleme", "problem",
             "enjeu", "issue", "finding", "type de probleme", "problem type", "item key", "checklist item",
             "point", "sujet", "elements"),
    "principle": ("principle", "principe", "theme", "thematique", "categorie", "category", "dimension",
                  "principe d'amenagement", "principle key"),
    "answer": ("answer", "reponse", "valeur", "value", "resultat", "result", "oui non", "yes no", "constat oui non"),
    "walk": ("walk", "walk id", "walk_id", "marche", "no de marche", "id marche", "marche exploratoire"),
    "campaign": ("campaign", "campagne"),
    "gender": ("gender", "genre", "sexe", "identite de genre"),
    "age_group": ("age", "age group", "age_group", "groupe d'age", "tranche d'age", "groupe age"),
    "reduced_mobility": ("reduced mobility", "reduced_mobility", "mobilite reduite", "limitation fonctionnelle",
                         "handicap", "disability"),
    "familiarity": ("familiarity", "familiarite", "frequentation", "connaissance de la station",
                    "utilise la station", "uses this station"),
    "weather": ("weather", "meteo", "temps qu'il fait"),
    "facilitator": ("facilitator", "animateur", "animatrice", "animateur trice", "facilitatrice", "facilitateur"),
    "line": ("line", "ligne", "ligne de metro", "metro line"),
}
CONTEXT_FIELDS = tuple(CONTEXT_SYNONYMS)
# Context fields that identify people: read to derive pseudonyms, never stored.
IDENTITY_FIELDS = ("observer",)

_CONTEXT_INDEX: dict[str, str] = {}
for _field, _names in CONTEXT_SYNONYMS.items():
    for _name in _names:
        _CONTEXT_INDEX.setdefault(fold(_name), _field)
        _CONTEXT_INDEX.setdefault(compact(_name), _field)

# Kobo / ODK / Epicollect system columns: known, never data.
SYSTEM_COLUMNS = {
    "_id", "_uuid", "_submission_time", "_validation_status", "_notes", "_status", "_submitted_by",
    "__version__", "_tags", "_index", "_parent_table_name", "_parent_index", "_xform_id_string",
    "_attachments", "_version", "_duration", "_media_count", "_total_media", "_media_all_received",
    "submissiondate", "key", "parent_key", "submitterid", "submittername", "attachmentspresent",
    "attachmentsexpected", "status", "reviewstate", "deviceid", "edits", "formversion", "instanceid",
    "rootuuid", "deprecatedid", "instancename", "start", "end", "today", "username", "audit",
    "ec5_uuid", "ec5_parent_uuid", "ec5_branch_owner_uuid", "ec5_branch_uuid", "ec5_branch_ref",
    "created_at", "uploaded_at", "updated_at", "created_by", "title", "isvalidated", "phonenumber",
    "subscriberid", "simserial", "simid", "email_address",
}
# Kobo's own columns whose names look like context fields (``_notes`` is not a comment)
_KOBO_BOOKKEEPING = re.compile(r"_(notes|tags|status|validation_status|submitted_by|submission__.*)", re.IGNORECASE)
_SUFFIX = re.compile(r"^(?P<base>.+?)[ _\-:–—/()]*(?P<kind>severity|severite|gravite|comment|commentaire|photo|image)\W*$")
_PREFIX = re.compile(r"^(?P<kind>severity|severite|gravite|comment|commentaire|photo|image)[ _\-:–—/()]+(?P<base>.+?)\W*$")
_KIND = {"severity": "severity", "severite": "severity", "gravite": "severity", "comment": "comment",
         "commentaire": "comment", "photo": "photo", "image": "photo"}


def path_segments(header: str) -> list[str]:
    """Candidate names of a header: itself, then its last group-path segment.

    Kobo joins groups with ``/``, ODK with ``-``: ``walk/station`` and
    ``signage-sign_exits`` both end in the question name.
    """
    header = header.strip()
    out = [header]
    if "/" in header:
        out.append(header.rsplit("/", 1)[1])
    if "-" in header and re.fullmatch(r"[A-Za-z0-9_.\-]+", header):
        out.append(header.rsplit("-", 1)[1])
    return out


def context_role(header: str) -> str | None:
    """The context field a header names, or None."""
    for name in path_segments(header):
        role = _CONTEXT_INDEX.get(fold(name)) or _CONTEXT_INDEX.get(compact(name))
        if role:
            return role
    return None


def is_system_column(header: str) -> bool:
    """Kobo / ODK / Epicollect bookkeeping columns, and walktool's reserved ones."""
    if header.startswith("__") and header != "__version__":
        return True
    for name in path_segments(header):
        f = name.strip().casefold()
        if f in SYSTEM_COLUMNS or f.lstrip("_") in {s.lstrip("_") for s in ("_uuid", "_id")}:
            return True
        if re.fullmatch(r"_?.+_(latitude|longitude|altitude|precision)", f) or re.fullmatch(
            r".+-(latitude|longitude|altitude|accuracy)", f
        ):
            return True
        if f.endswith("_url") or f.startswith(("set-of-", "utm_", "accuracy_", "lat_", "long_", "_submission_")):
            return True
    return False


@dataclass(frozen=True)
class Role:
    """What a column means."""

    kind: str  # item | item_severity | item_comment | item_photo | item_detail | context | system | ignored
    target: str | None = None  # item key or context field
    detail: str | None = None  # for item_detail: the choice the 0/1 column stands for
    source: str = "header"  # header | mapping | label

    def describe(self) -> str:
        """Human description for --dry-run."""
        if self.kind == "item":
            return f"item {self.target}"
        if self.kind.startswith("item_"):
            return f"{self.kind.split('_', 1)[1]} of item {self.target}" + (f" ({self.detail})" if self.detail else "")
        if self.kind == "context":
            return f"context: {self.target}" + (f" ({self.detail})" if self.detail else "")
        return self.kind


# Targets a mapping may give besides items and context fields: positions in another CRS.
# ``x`` / ``y`` (easting / northing, or longitude / latitude) are read in the mapping's
# ``crs``; ``wkt`` is a WKT (or EWKT) POINT in that CRS.
COORDINATE_TARGETS = {"x": "lon", "easting": "lon", "y": "lat", "northing": "lat", "wkt": "wkt"}
MAPPING_SECTIONS = ("columns", "answers", "header_row", "crs")
# context fields whose cells a mapping may translate (``answers: {item: {"Éclairage": light_level}}``)
VALUE_FIELDS = ("item", "principle", "zone", "severity", "period", "station")


@dataclass
class Mapping:
    """A mapping file: column → item key or context field, answer → vocabulary value.

    Example (YAML)::

        header_row: 1            # the row of column names (default: the row naming these columns, else the first)
        crs: EPSG:32188          # CRS of x / y / wkt columns (default EPSG:4326, degrees)
        columns:
          "Éclairage du quai": light_level
          "Nom de la gare": station
          "X_MTM8": x
          "Y_MTM8": y
          "Q7": ignore
        answers:
          light_level: {"très sombre": "0", "sombre": "1"}
          "*": {"peut-être": na}
          item: {"Éclairage insuffisant": light_level}   # cells of the item column
          zone: {"Mezzanine": hall}

    docs/mapping.md has the full reference and a worked example.
    """

    columns: dict[str, str] = field(default_factory=dict)
    answers: dict[str, dict[str, str]] = field(default_factory=dict)
    path: Path | None = None
    header_row: int | None = None
    crs: str | None = None

    @property
    def projected(self) -> bool:
        """Coordinates are in another CRS than WGS84 degrees (they are transformed on import)."""
        return self.crs is not None and self.crs.replace(" ", "").upper() not in ("EPSG:4326", "WGS84", "OGC:CRS84")

    def value(self, field_name: str, raw: str) -> str | None:
        """The value the mapping gives a raw cell of a context field (``answers: {zone: {...}}``), or None."""
        table = self.answers.get(field_name)
        if not table:
            return None
        if raw in table:
            return table[raw]
        folded = {fold(k): v for k, v in table.items()}
        return folded.get(fold(raw))

    def names_column(self, header: str) -> bool:
        """Whether the mapping names ``header`` (used to find the header row)."""
        return self.column(header) is not None

    def column(self, header: str) -> str | None:
        """The mapping's target for a header (exact, then folded)."""
        if header in self.columns:
            return self.columns[header]
        folded = {fold(k): v for k, v in self.columns.items()}
        for name in path_segments(header):
            if fold(name) in folded:
                return folded[fold(name)]
        return None

    def answer(self, item: str, raw: str) -> str | None:
        """The vocabulary value the mapping gives a raw answer of an item."""
        for scope in (item, "*"):
            table = self.answers.get(scope) or {}
            if raw in table:
                return table[raw]
            folded = {fold(k): v for k, v in table.items()}
            if fold(raw) in folded:
                return folded[fold(raw)]
        return None


def load_mapping(path: str | Path, protocol: Protocol) -> tuple[Mapping, list[Issue]]:
    """Read a mapping file and check it against the protocol: every problem is listed at once."""
    import yaml

    path = Path(path)
    try:
        doc = yaml.safe_load(path.read_text(encoding="utf-8-sig")) or {}
    except FileNotFoundError as exc:
        msg = Phrase(N_("{path}: no such mapping file"), path=path)
        raise SheetFormatError(msg) from exc
    except yaml.YAMLError as exc:
        msg = Phrase(N_("{path}: not valid YAML ({exc})"), path=path, exc=exc)
        raise SheetFormatError(msg) from exc
    if not isinstance(doc, dict):
        msg = Phrase(N_("{path}: a mapping file is a YAML mapping with 'columns' and optionally 'answers', 'header_row', 'crs'"), path=path)
        raise SheetFormatError(msg)
    unknown = set(doc) - set(MAPPING_SECTIONS)
    if unknown:
        msg = Phrase(N_("{path}: unknown section(s) {map}; use {MAPPING_SECTIONS}"), path=path, map=', '.join(sorted(map(str, unknown))), MAPPING_SECTIONS=', '.join(MAPPING_SECTIONS))
        raise SheetFormatError(msg)
    problems = []
    raw_columns = doc.get("columns") or {}
    raw_answers = doc.get("answers") or {}
    if not isinstance(raw_columns, dict):
        problems.append(Phrase(N_("'columns' must map column names to item keys or fields")))
        raw_columns = {}
    if not isinstance(raw_answers, dict):
        problems.append(Phrase(N_("'answers' must map item keys to {answer: value} tables")))
        raw_answers = {}
    columns = {str(k): str(v) for k, v in raw_columns.items()}
    answers = {str(k): {str(a): str(b) for a, b in (v or {}).items()} if isinstance(v, dict) else {} for k, v in raw_answers.items()}
    header_row = doc.get("header_row")
    if header_row is not None and (isinstance(header_row, bool) or not isinstance(header_row, int) or header_row < 1):
        problems.append(Phrase(N_("header_row must be a row number (1 is the first row), not {header_row!r}"), header_row=header_row))
        header_row = None
    crs = doc.get("crs")
    if crs is not None:
        crs = str(crs).strip()
        try:
            from pyproj import CRS
            from pyproj.exceptions import CRSError

            try:
                CRS.from_user_input(crs)
            except CRSError as exc:
                problems.append(Phrase(N_("crs {crs!r} is not a coordinate reference system pyproj knows ({exc}); use e.g. EPSG:32188"), crs=crs, exc=exc))
        except ImportError:  # pragma: no cover - pyproj is a dependency
            pass
    for header, target in columns.items():
        if target in ("ignore", "ignored") or target in CONTEXT_FIELDS or target in COORDINATE_TARGETS or protocol.has_item(target):
            continue
        base = re.sub(r"_(severity|comment|photo)$", "", target)
        if protocol.has_item(base):
            continue
        problems.append(
            Phrase(N_("column {header!r} maps to {target!r}, which is neither an item key of {id} nor a context field ({CONTEXT_FIELDS}), a position in the mapping's crs ({COORDINATE_TARGETS}) nor 'ignore'"), header=header, target=target, id=protocol.id, CONTEXT_FIELDS=', '.join(CONTEXT_FIELDS), COORDINATE_TARGETS=', '.join(COORDINATE_TARGETS))
        )
    targets = set(columns.values())
    has_x = bool(targets & {"x", "easting"})
    has_y = bool(targets & {"y", "northing"})
    if has_x != has_y:
        problems.append(Phrase(N_('a position in another CRS needs both an x (easting) and a y (northing) column')))
    if has_x and crs is None:
        problems.append(Phrase(N_("x / y columns need the mapping's crs (e.g. crs: EPSG:32188); for degrees map them to lon / lat")))
    for item in answers:
        if item != "*" and item not in VALUE_FIELDS and not protocol.has_item(item):
            problems.append(Phrase(N_("answers for {item!r}: neither an item key of {id} nor one of {VALUE_FIELDS}"), item=item, id=protocol.id, VALUE_FIELDS=', '.join(VALUE_FIELDS)))
    if problems:
        msg = Phrase(N_("{path}: {problems}"), path=path, problems=Phrase.joined("; ", problems))
        raise SheetFormatError(msg)
    return Mapping(columns, answers, path, header_row=header_row, crs=crs), []


def classify_column(header: str, protocol: Protocol, mapping: Mapping | None = None) -> Role:
    """Work out what one column means.

    Order: the mapping file; reserved and system columns; context field names;
    item keys / labels / synonyms; ``<item> severity|comment|photo`` companions;
    Kobo / ODK select-multiple detail columns (``item/choice``); otherwise ignored.
    """
    if mapping is not None:
        target = mapping.column(header)
        if target is not None:
            if target in ("ignore", "ignored"):
                return Role("ignored", source="mapping")
            if target in CONTEXT_FIELDS:
                return Role("context", target, source="mapping")
            if target in COORDINATE_TARGETS:
                return Role("context", COORDINATE_TARGETS[target], detail=f"{target} in {mapping.crs or 'EPSG:4326'}", source="mapping")
            if protocol.has_item(target):
                return Role("item", target, source="mapping")
            m = re.fullmatch(r"(.+)_(severity|comment|photo)", target)
            if m and protocol.has_item(m.group(1)):
                return Role(f"item_{m.group(2)}", m.group(1), source="mapping")
    if header.startswith("__") or _KOBO_BOOKKEEPING.match(header.strip()):
        return Role("system")
    for name in path_segments(header):
        if protocol.has_item(name):
            return Role("item", name)
    role = context_role(header)
    if role is not None:
        return Role("context", role)
    if is_system_column(header):
        return Role("system")
    for name in path_segments(header):
        item = protocol.match_item(name)
        if item is not None:
            return Role("item", item.key, source="label")
    # companions: sign_exits_severity, "Gravité – Coins sombres", "Dark corners (comment)"
    for name in path_segments(header):
        folded = fold(name).replace("'", " ")
        for pattern in (_SUFFIX, _PREFIX):
            m = pattern.match(folded)
            if m:
                base = m.group("base").strip(" _-:()")
                item = protocol.match_item(base) if base else None
                if item is not None:
                    return Role(f"item_{_KIND[m.group('kind')]}", item.key)
        raw = name.strip()
        m2 = re.fullmatch(r"(.+)_(severity|comment|photo)", raw)
        if m2 and protocol.has_item(m2.group(1)):
            return Role(f"item_{m2.group(2)}", m2.group(1))
    # select_multiple detail columns: "issues/graffiti", "signage-sign_exits/yes"
    if "/" in header:
        base, choice = header.rsplit("/", 1)
        for name in path_segments(base):
            item = protocol.match_item(name) if not protocol.has_item(name) else protocol.item(name)
            if item is not None:
                return Role("item_detail", item.key, detail=choice)
    return Role("ignored")


def is_known_header(header: str, protocol: Protocol | None = None) -> bool:
    """Whether a header names a context field (or, given a protocol, an item or principle)."""
    if context_role(header) is not None:
        return True
    if protocol is not None:
        return protocol.match_item(header) is not None or protocol.match_principle(header) is not None
    return False


_GEO_PART = re.compile(r"^(?:.*/)?_(?P<name>.+)_(?:latitude|longitude)$")


def geopoint_columns(headers: list[str]) -> set[str]:
    """The raw columns of geopoints whose parts have their own columns.

    KoboToolbox writes ``X`` (``"lat lon alt acc"``) beside ``_X_latitude`` …, where
    X is the question's name or, in labels mode, its label (``lieu``); ODK writes
    ``X-Latitude`` … without a raw column.  Such an ``X`` is a position, whatever
    its name says (``lieu`` is also French for a zone).
    """
    names = set(headers)
    parts = {m.group("name") for h in headers if (m := _GEO_PART.match(h.strip()))}
    out = set()
    for header in headers:
        last = header.strip().rsplit("/", 1)[-1]
        if header in parts or last in parts or (f"{header}-Latitude" in names and f"{header}-Longitude" in names):
            out.add(header)
    return out


def plan_columns(headers: list[str], protocol: Protocol, mapping: Mapping | None = None) -> dict[str, Role]:
    """Classify every column of a table; the first column claiming a context field wins.

    A geopoint's raw column (see :func:`geopoint_columns`) is a position, not the
    field its name suggests, unless a mapping says otherwise.
    """
    plan: dict[str, Role] = {}
    claimed: set[str] = set()
    geopoints = geopoint_columns(headers)
    for header in headers:
        role = classify_column(header, protocol, mapping)
        if header in geopoints and role.source != "mapping" and not (role.kind == "context" and role.target == "geopoint"):
            role = Role("context", "geopoint", detail="its parts have their own columns")
        if role.kind == "context" and role.target in claimed and role.source != "mapping":
            role = Role("ignored", detail=f"second {role.target} column")
        if role.kind == "context" and role.target is not None:
            claimed.add(role.target)
        plan[header] = role
    return plan


def plan_summary(plan: dict[str, Role]) -> list[dict[str, Any]]:
    """JSON-ready list of how each column was understood."""
    return [
        {"column": col, "role": r.kind, "target": r.target, "detail": r.detail, "source": r.source, "as": r.describe()}
        for col, r in plan.items()
        if not col.startswith("__")
    ]
