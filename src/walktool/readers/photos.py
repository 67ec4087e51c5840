"""Photos: a folder of photos (searched recursively) or a single photo.

One record per photo, placed by its EXIF GPS position and dated by its EXIF
capture time.  Underground there is usually no GPS fix: such a photo is still a
record (normalisation matches it to a sheet row naming the same file, or reports
it).  EXIF is read with Pillow from the GPS and Exif sub-IFDs (never from the
raw ``0x8825`` offset tag), defensively: writers leave refs out, use zero
denominators or write ``(0, 0)`` for "no fix".
"""

from __future__ import annotations

import hashlib
import math
from datetime import datetime
from pathlib import Path
from typing import Any

from walktool.errors import Issue
from walktool.readers._base import IMAGE_SUFFIXES, Probe, RawTable, cell_text

FORMAT = "photos"
# files a camera, a phone or an OS leaves beside photos: skipped without a warning
_SYSTEM_FILES = {"thumbs.db", "desktop.ini", "icon\r"}
_HEIF_BRANDS = (b"heic", b"heix", b"heim", b"heis", b"hevc", b"hevx", b"mif1", b"msf1", b"avif")
_SCAN_LIMIT = 2000  # files looked at when sniffing a folder

# EXIF tags
_IMAGE_DESCRIPTION = 0x010E
_DATETIME = 0x0132  # IFD0: last change of the file, the last resort
_DATETIME_ORIGINAL = 0x9003
_DATETIME_DIGITIZED = 0x9004
_OFFSET_TIME = 0x9010
_OFFSET_TIME_ORIGINAL = 0x9011
_OFFSET_TIME_DIGITIZED = 0x9012
_USER_COMMENT = 0x9286
_GPS_LAT_REF, _GPS_LAT, _GPS_LON_REF, _GPS_LON = 1, 2, 3, 4
_GPS_TIME, _GPS_DATE, _GPS_H_ERROR = 7, 29, 31


def image_magic(head: bytes) -> bool:
    """JPEG, PNG, TIFF, WebP or HEIF/HEIC by their first bytes."""
    return (
        head[:3] == b"\xff\xd8\xff"
        or head[:8] == b"\x89PNG\r\n\x1a\n"
        or head[:4] in (b"II*\x00", b"MM\x00*")
        or (head[:4] == b"RIFF" and head[8:12] == b"WEBP")
        or (head[4:8] == b"ftyp" and head[8:12] in _HEIF_BRANDS)
    )


def _head(path: Path, size: int = 16) -> bytes:
    try:
        with path.open("rb") as fh:
            return fh.read(size)
    except OSError:
        return b""


def is_photo(path: Path) -> bool:
    """A photo file: by magic bytes, or by suffix (a damaged photo is still a photo)."""
    return path.suffix.lower() in IMAGE_SUFFIXES or image_magic(_head(path))


def _ignored(path: Path, root: Path) -> bool:
    """Hidden and system files (``.DS_Store``, ``Thumbs.db``, ``._IMG_0001.JPG`` …)."""
    parts = path.relative_to(root).parts
    return any(p.startswith(".") for p in parts) or path.name.casefold() in _SYSTEM_FILES


def _files(root: Path) -> list[Path]:
    files = [p for p in root.rglob("*") if p.is_file() and not _ignored(p, root)]
    return sorted(files, key=lambda p: p.relative_to(root).as_posix())


def sniff(probe: Probe) -> bool:
    """A folder holding at least one photo, or one photo file."""
    if probe.is_dir:
        for n, path in enumerate(probe.path.rglob("*")):
            if n >= _SCAN_LIMIT:
                return False
            if path.is_file() and not _ignored(path, probe.path) and is_photo(path):
                return True
        return False
    return probe.is_image or image_magic(probe.head_bytes[:16])


# ---------------------------------------------------------------------------
# EXIF
# ---------------------------------------------------------------------------


def _text(value: Any) -> str:
    if isinstance(value, bytes):
        value = value.decode("ascii", errors="ignore")
    return str(value).strip("\x00 \t\r\n") if value is not None else ""


def user_comment(value: Any) -> str:
    """Decode an EXIF UserComment (8-byte charset prefix, then the text)."""
    if not isinstance(value, bytes):
        return _text(value)
    prefix, body = value[:8], value[8:]
    if prefix.startswith(b"UNICODE"):
        enc = "utf-16-be" if body[:1] == b"\x00" else "utf-16-le"
        text = body.decode(enc, errors="ignore")
    elif prefix.startswith((b"ASCII", b"\x00\x00\x00\x00\x00\x00\x00\x00")):
        text = body.decode("utf-8", errors="ignore")
    elif prefix.startswith(b"JIS"):
        text = body.decode("shift_jis", errors="ignore")
    else:
        text = value.decode("utf-8", errors="ignore")
    return text.strip("\x00 \t\r\n")


def _degrees(dms: Any, ref: Any, negative: str) -> float | None:
    """Decimal degrees from an EXIF (d, m, s) triple and its N/S or E/W ref, or None."""
    try:
        ref_text = _text(ref).upper()
        if not ref_text:
            return None
        if isinstance(dms, int | float):
            parts = [float(dms)]
        else:
            parts = [float(x) for x in dms]
        while len(parts) < 3:
            parts.append(0.0)
        d, m, s = parts[:3]
        value = d + m / 60 + s / 3600
    except (TypeError, ValueError, ZeroDivisionError, ArithmeticError):
        return None
    if not math.isfinite(value):
        return None
    return -value if ref_text.startswith(negative) else value


def gps_position(gps: dict[int, Any]) -> tuple[float, float] | None:
    """(lat, lon) from a GPS IFD; None when absent, incomplete, (0, 0) or out of range."""
    if not gps:
        return None
    lat = _degrees(gps.get(_GPS_LAT), gps.get(_GPS_LAT_REF), "S")
    lon = _degrees(gps.get(_GPS_LON), gps.get(_GPS_LON_REF), "W")
    if lat is None or lon is None:
        return None
    if (lat == 0 and lon == 0) or abs(lat) > 90 or abs(lon) > 180:
        return None
    return lat, lon


def _accuracy(gps: dict[int, Any]) -> str:
    try:
        value = float(gps[_GPS_H_ERROR])
    except (KeyError, TypeError, ValueError, ZeroDivisionError):
        return ""
    return cell_text(value) if math.isfinite(value) and value > 0 else ""


def _exif_datetime(raw: Any, offset: Any) -> str:
    """ISO text from EXIF ``YYYY:MM:DD HH:MM:SS`` (+ ``±HH:MM`` offset when given)."""
    text = _text(raw)
    if not text:
        return ""
    try:
        when = datetime.strptime(text[:19], "%Y:%m:%d %H:%M:%S")
    except ValueError:
        return ""
    iso = when.isoformat()
    off = _text(offset)
    if len(off) == 6 and off[0] in "+-" and off[3] == ":" and off[1:3].isdigit() and off[4:].isdigit():
        iso += off
    return iso


def _gps_datetime(gps: dict[int, Any]) -> str:
    """ISO UTC time from GPSDateStamp + GPSTimeStamp, or ""."""
    try:
        day = datetime.strptime(_text(gps[_GPS_DATE])[:10], "%Y:%m:%d")
        h, m, s = (float(x) for x in gps[_GPS_TIME])
        if not all(math.isfinite(v) for v in (h, m, s)):
            return ""
        when = day.replace(hour=int(h), minute=int(m), second=int(s))
    except (KeyError, TypeError, ValueError, ZeroDivisionError, ArithmeticError):
        return ""
    return when.isoformat() + "+00:00"


def read_exif(path: Path) -> dict[str, str]:
    """Position, time and description of a photo from its EXIF (empty cells when absent).

    Raises whatever Pillow raises for a file it cannot open.
    """
    from PIL import ExifTags, Image

    with Image.open(path) as img:
        exif = img.getexif()
    try:
        gps: dict[int, Any] = dict(exif.get_ifd(ExifTags.IFD.GPSInfo))
    except Exception:  # damaged GPS IFD
        gps = {}
    try:
        sub: dict[int, Any] = dict(exif.get_ifd(ExifTags.IFD.Exif))
    except Exception:  # damaged Exif IFD
        sub = {}
    out = {"__lat": "", "__lon": "", "__accuracy": "", "__time": "", "description": ""}
    pos = gps_position(gps)
    if pos is not None:
        out["__lat"], out["__lon"] = cell_text(round(pos[0], 7)), cell_text(round(pos[1], 7))
        out["__accuracy"] = _accuracy(gps)
    out["__time"] = (
        _exif_datetime(sub.get(_DATETIME_ORIGINAL), sub.get(_OFFSET_TIME_ORIGINAL))
        # some writers put DateTimeOriginal in IFD0 instead of the Exif sub-IFD
        or _exif_datetime(exif.get(_DATETIME_ORIGINAL), exif.get(_OFFSET_TIME_ORIGINAL))
        or _exif_datetime(sub.get(_DATETIME_DIGITIZED), sub.get(_OFFSET_TIME_DIGITIZED))
        or _gps_datetime(gps)
        or _exif_datetime(exif.get(_DATETIME), sub.get(_OFFSET_TIME))
    )
    out["description"] = _text(exif.get(_IMAGE_DESCRIPTION)) or user_comment(sub.get(_USER_COMMENT))
    return out


def _register_heif() -> None:
    """Let Pillow open HEIC when pillow-heif is installed (optional)."""
    from importlib import import_module

    try:
        import_module("pillow_heif").register_heif_opener()
    except Exception:  # not installed, or an incompatible version
        return


def _sha1(path: Path) -> str:
    digest = hashlib.sha1()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


# ---------------------------------------------------------------------------
# Reading
# ---------------------------------------------------------------------------


def read(probe: Probe) -> list[RawTable]:
    """One record per photo of the folder (recursively, by relative path) or of the file."""
    import pandas as pd

    path = probe.path
    file = str(path)
    root = path if probe.is_dir else path.parent
    files = _files(path) if probe.is_dir else [path]
    _register_heif()
    issues: list[Issue] = []
    records: list[dict[str, Any]] = []
    for photo in files:
        rel = photo.relative_to(root).as_posix()
        if not is_photo(photo):
            issues.append(Issue(
                "not-a-photo", f"{rel} is not a photo (JPEG, PNG, HEIC …): skipped", "warning",
                file=file, value=rel,
            ))
            continue
        n = len(records) + 1
        record: dict[str, Any] = {"photo": rel, "file_name": photo.name, "description": ""}
        try:
            record.update(read_exif(photo))
        except Exception as exc:  # Pillow raises many types for damaged or unsupported files
            issues.append(Issue(
                "unreadable-photo",
                f"{rel}: cannot read this photo's EXIF ({type(exc).__name__}); it is kept without position or time",
                "warning", file=file, row=n, value=rel,
            ))
        try:
            submission = _sha1(photo)
        except OSError:
            submission = hashlib.sha1(rel.encode("utf-8")).hexdigest()
        record.update({"__row": n, "__photo": rel, "__submission": submission})
        records.append(record)
    columns = ["photo", "file_name", "description", "__row", "__lat", "__lon", "__accuracy", "__time",
               "__photo", "__submission"]
    frame = pd.DataFrame(records, columns=columns, dtype=object).fillna("")
    frame["__row"] = [r["__row"] for r in records]
    return [RawTable(FORMAT, file, frame, issues, media_root=root)]


SNIFFERS = {FORMAT: sniff}
READERS = {FORMAT: read}
