"""Photos: a folder of photos (searched recursively), a single photo, or a zip of photos.

A zip holding photos and no data file (a CSV, a workbook …) at any folder depth is a
photos archive: KoboToolbox's "media attachments" download
(``<username>/attachments/<form-id>/<uuid>/<file>``) or a facilitator's zipped
folder.  Its photos are extracted, safely (:func:`safe_member_parts`: no ``..``, no
absolute names, images only), to a temporary folder that becomes the table's
``media_root``; ``walktool import`` keeps a copy of them under ``walks/``.

One record per photo, placed by its EXIF GPS position and dated by its EXIF
capture time.  Underground there is usually no GPS fix: such a photo is still a
record (normalisation matches it to a sheet row naming the same file, or reports
it).  EXIF is read with Pillow from the GPS and Exif sub-IFDs (never from the
raw ``0x8825`` offset tag), defensively: writers leave refs out, use zero
denominators or write ``(0, 0)`` for "no fix".
"""

from __future__ import annotations

import atexit
import errno
import hashlib
import math
import os
import re
import shutil
import tempfile
import zipfile
import zlib
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from datetime import datetime
from pathlib import Path
from typing import Any

from walktool.errors import Issue, SheetFormatError
from walktool.i18n import N_, Phrase
from walktool.limits import MAX_PHOTO_BYTES, check_zip, member_refusal
from walktool.readers._base import IMAGE_SUFFIXES, Probe, RawTable, cell_text

FORMAT = "photos"
# files a camera, a phone or an OS leaves beside photos: skipped without a warning
_SYSTEM_FILES = {"thumbs.db", "desktop.ini", "icon\r"}
_HEIF_BRANDS = (b"heic", b"heix", b"heim", b"heis", b"hevc", b"hevx", b"mif1", b"msf1", b"avif")
_SCAN_LIMIT = 2000  # files looked at when sniffing a folder
# members that make a zip an export to read as a table, not a photos archive
_DATA_SUFFIXES = (".csv", ".tsv", ".tab", ".txt", ".xlsx", ".xlsm", ".xls", ".ods", ".json", ".geojson", ".gpx",
                  ".xml", ".kml", ".kmz", ".zip", ".gpkg", ".shp", ".dbf", ".sqlite", ".db")
MAX_MEMBER_BYTES = MAX_PHOTO_BYTES  # a photo larger than this in a zip is skipped (zip bombs)
_TEMP_DIRS: list[str] = []  # made outside any scratch() block (the library used directly): removed at exit
_SCRATCH: list[Path] = []  # the scratch() folders in force, innermost last

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


# ---------------------------------------------------------------------------
# Zips of photos
# ---------------------------------------------------------------------------


def _cleanup_temp_dirs() -> None:
    for folder in _TEMP_DIRS:
        shutil.rmtree(folder, ignore_errors=True)


atexit.register(_cleanup_temp_dirs)


def safe_member_parts(name: str) -> tuple[str, ...] | None:
    """The folder parts of a zip member name, or None when extracting it could escape the folder.

    Refused (zip-slip): absolute names (``/etc/x``, ``\\server\\x``, ``C:/x``), any ``..``
    part, and NUL characters; backslashes count as separators.  On Windows the
    characters it forbids in file names are replaced by ``_``.
    """
    text = name.replace("\\", "/")
    if not text or "\x00" in text or text.startswith("/") or re.match(r"^[A-Za-z]:", text):
        return None
    parts = [p for p in text.split("/") if p not in ("", ".")]
    if not parts or ".." in parts:
        return None
    if os.name == "nt":
        parts = [re.sub(r'[<>:"|?*]', "_", p).rstrip(" .") or "_" for p in parts]
    return tuple(parts)


def _is_system_member(parts: tuple[str, ...]) -> bool:
    """Hidden and system entries (``__MACOSX/``, ``.DS_Store``, ``Thumbs.db``): skipped silently."""
    return parts[0] == "__MACOSX" or any(p.startswith(".") for p in parts) or parts[-1].casefold() in _SYSTEM_FILES


def _member_suffix(name: str) -> str:
    return Path(name.replace("\\", "/").rsplit("/", 1)[-1]).suffix.lower()


def is_photo_zip(names: list[str]) -> bool:
    """A zip (member ``names``) holding at least one photo and no data file, at any folder depth."""
    files = [n for n in names if not n.endswith(("/", "\\"))]
    if any(_member_suffix(n) in _DATA_SUFFIXES for n in files):
        return False
    return any(_member_suffix(n) in IMAGE_SUFFIXES for n in files)


def unsafe_member_issue(name: str, file: str) -> Issue:
    """The warning for a zip member whose name could write outside the folder it is extracted to."""
    return Issue(
        "unsafe-zip-entry",
        f"zip entry {name!r} has an absolute path or '..' in its name (it could be written outside the project):"
        " ignored; if it is a real photo, zip it again from its folder",
        "warning", file=file, value=name,
    )


def extract_images(
    zf: zipfile.ZipFile, members: list[str], dest: Path, issues: list[Issue], file: str, *, strip: int = 0
) -> int:
    """Extract the photos among ``members`` under ``dest`` (keeping their folders, less ``strip`` leading parts).

    Members with an unsafe name are reported (``unsafe-zip-entry``) and skipped,
    other files are reported (``not-a-photo``) and skipped, hidden and system files
    are skipped silently.  Returns the number of photos written.
    """
    written = 0
    for name in members:
        if name.endswith(("/", "\\")):
            continue
        parts = safe_member_parts(name)
        if parts is None:
            issues.append(unsafe_member_issue(name, file))
            continue
        parts = parts[strip:]
        if not parts or _is_system_member(parts):
            continue
        rel = "/".join(parts)
        if Path(parts[-1]).suffix.lower() not in IMAGE_SUFFIXES:
            issues.append(Issue("not-a-photo", f"{rel} is not a photo (JPEG, PNG, HEIC …): skipped", "warning",
                                file=file, value=rel))
            continue
        info = zf.getinfo(name)
        why = member_refusal(info, MAX_MEMBER_BYTES)
        if why is not None:
            issues.append(Issue("photo-too-large", f"{rel}: {why}: skipped", "warning", file=file, value=rel))
            continue
        if copy_member(zf, info, dest.joinpath(*parts), issues, file, rel):
            written += 1
    return written


def copy_member(zf: zipfile.ZipFile, info: zipfile.ZipInfo, target: Path, issues: list[Issue], file: str, rel: str) -> bool:
    """Copy one zip member to ``target``; an entry that cannot be extracted is reported (``unreadable-photo``)."""
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        with zf.open(info) as src, target.open("wb") as dst:
            shutil.copyfileobj(src, dst)
    except (OSError, RuntimeError, zipfile.BadZipFile, zlib.error, NotImplementedError, EOFError) as exc:
        # encrypted members, unsupported compression, a damaged entry, a name the OS refuses
        with suppress(OSError):
            target.unlink(missing_ok=True)
        if isinstance(exc, OSError) and exc.errno in (errno.ENOSPC, errno.EDQUOT):
            raise OSError(exc.errno, exc.strerror, str(target)) from exc  # a full disk is not the photo's fault
        if isinstance(exc, OSError) and exc.errno == errno.ENAMETOOLONG:
            issues.append(Issue("photo-name-too-long", f"{_short_name(rel)}: this name is too long for the file system:"
                                " skipped; rename the photo (and the sheet cell naming it) and import it again",
                                "warning", file=file, value=rel))
            return False
        issues.append(Issue("unreadable-photo", f"{rel}: cannot extract it from the zip ({type(exc).__name__}): skipped",
                            "warning", file=file, value=rel))
        return False
    return True


def _short_name(name: str, limit: int = 60) -> str:
    return name if len(name) <= limit else name[: limit - 1] + "…"


def temp_folder(prefix: str) -> Path:
    """A temporary folder for media extracted from a zip: inside the current :func:`scratch` folder, removed with it."""
    if _SCRATCH:
        return Path(tempfile.mkdtemp(prefix=prefix, dir=_SCRATCH[-1]))
    tmp = tempfile.mkdtemp(prefix=prefix)
    _TEMP_DIRS.append(tmp)
    return Path(tmp)


SCRATCH_PREFIX = ".walktool-tmp-"


@contextmanager
def scratch(root: Path) -> Iterator[Path]:
    """A scratch folder ``root/.walktool-tmp-<pid>-…`` for the temporary folders made inside the block.

    It is removed when the block ends, however it ends (an error, Ctrl-C, SIGTERM,
    which the command line turns into an exception): a ``try/finally``, not
    ``atexit``.  Scratch folders left by a process killed outright (SIGKILL) are
    removed by the next one.  When ``root`` cannot be written (a read-only
    project read in a dry run) the system's temporary folder is used instead.
    """
    _sweep(root)
    try:
        folder = Path(tempfile.mkdtemp(prefix=f"{SCRATCH_PREFIX}{os.getpid()}-", dir=root))
    except OSError:
        folder = Path(tempfile.mkdtemp(prefix=f"walktool-{os.getpid()}-"))
    _SCRATCH.append(folder)
    try:
        yield folder
    finally:
        _SCRATCH.remove(folder)
        shutil.rmtree(folder, ignore_errors=True)


def _sweep(root: Path) -> None:
    """Remove scratch folders whose process is gone (killed before it could)."""
    try:
        leftovers = list(root.glob(f"{SCRATCH_PREFIX}*"))
    except OSError:
        return
    for folder in leftovers:
        pid = folder.name[len(SCRATCH_PREFIX):].split("-", 1)[0]
        if pid.isdigit() and not _alive(int(pid)):
            shutil.rmtree(folder, ignore_errors=True)


def _alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:
        return True
    return True


def sniff(probe: Probe) -> bool:
    """A folder holding at least one photo, one photo file, or a zip of photos."""
    if probe.is_dir:
        for n, path in enumerate(probe.path.rglob("*")):
            if n >= _SCAN_LIMIT:
                return False
            if path.is_file() and not _ignored(path, probe.path) and is_photo(path):
                return True
        return False
    return probe.is_image or image_magic(probe.head_bytes[:16]) or is_photo_zip(probe.zip_names)


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


def photo_submission(photo: Path, rel: str) -> str:
    """A photo's submission id: the SHA-1 of its content (of its relative path when it cannot be read).

    The same photo keeps its id wherever it is read from (its folder, a zip, the
    copy kept under ``walks/``), so that importing it again updates its observation.
    """
    try:
        return _sha1(photo)
    except OSError:
        return hashlib.sha1(rel.encode("utf-8")).hexdigest()


# ---------------------------------------------------------------------------
# Reading
# ---------------------------------------------------------------------------


def read(probe: Probe) -> list[RawTable]:
    """One record per photo of the folder or zip (recursively, by relative path) or of the file."""
    import pandas as pd

    path = probe.path
    file = str(path)
    issues: list[Issue] = []
    if not probe.is_dir and probe.zip_names:
        # a zip of photos: extracted (safely) to a temporary folder, read like a folder
        root = temp_folder("walktool-photos-")
        try:
            with zipfile.ZipFile(path) as zf:
                check_zip(zf, path)
                extract_images(zf, probe.zip_names, root, issues, file)
        except OSError as exc:
            if exc.errno in (errno.ENOSPC, errno.EDQUOT):
                raise
            msg = Phrase(N_("{path}: cannot read this zip ({kind}: {exc}); download it again"), path=path, kind=type(exc).__name__, exc=exc)
            raise SheetFormatError(msg) from exc
        except zipfile.BadZipFile as exc:
            msg = Phrase(N_("{path}: cannot read this zip ({kind}: {exc}); download it again"), path=path, kind=type(exc).__name__, exc=exc)
            raise SheetFormatError(msg) from exc
        files = _files(root)
    else:
        root = path if probe.is_dir else path.parent
        files = _files(path) if probe.is_dir else [path]
    _register_heif()
    records: list[dict[str, Any]] = []
    for photo in files:
        rel = photo.relative_to(root).as_posix()
        try:
            rel.encode("utf-8")
        except UnicodeEncodeError:
            shown = rel.encode("utf-8", "surrogateescape").decode("utf-8", "replace")
            issues.append(Issue("bad-file-name", f"{shown}: this file name is not valid text (written on a system with"
                                " another encoding): skipped; rename it and import it again", "warning", file=file, value=shown))
            continue
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
        record.update({"__row": n, "__photo": rel, "__submission": photo_submission(photo, rel)})
        records.append(record)
    columns = ["photo", "file_name", "description", "__row", "__lat", "__lon", "__accuracy", "__time",
               "__photo", "__submission"]
    frame = pd.DataFrame(records, columns=columns, dtype=object).fillna("")
    frame["__row"] = [r["__row"] for r in records]
    return [RawTable(FORMAT, file, frame, issues, media_root=root)]


SNIFFERS = {FORMAT: sniff}
READERS = {FORMAT: read}
