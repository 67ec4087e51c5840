"""Geotagged JPEG photos (EXIF GPS and capture time), one without a fix."""

from __future__ import annotations

import io
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from walktool.sample.plan import OUTDOOR_ZONES, TIMEZONE
from walktool.sample.study import Stop, Walk
from walktool.sample.writer import Writer

# A photo a findings table names: file name, the stop, when it was taken, its GPS fix (or None).
PhotoSpec = tuple[str, Stop, datetime, tuple[float, float] | None]


def write_photos(writer: Writer, walk: Walk, specs: list[PhotoSpec]) -> Path | None:
    """Write a walk's photo folder (``photos-<date>/``): geotagged JPEGs, one per spec.

    Parameters
    ----------
    writer
        The campaign's writer.
    walk
        The walk.
    specs
        The photos its findings table names.

    Returns
    -------
    Path or None
        The folder, or None when there are no photos.
    """
    if not specs:
        return None
    folder = writer.out / walk.walk_id / f"photos-{walk.plan.day.isoformat()}"
    folder.mkdir(parents=True, exist_ok=True)
    for n, (name, stop, taken, pos) in enumerate(specs):
        data = jpeg(stop.zone, taken=taken, lat=pos[0] if pos else None, lon=pos[1] if pos else None, seed=n)
        (folder / name).write_bytes(data)
    writer.add(folder, "photos", walk, len(specs), 0, len(specs))
    return folder


def jpeg(zone: str, *, taken: datetime, lat: float | None, lon: float | None, seed: int) -> bytes:
    """A tiny (64×48) JPEG with EXIF capture time and, when given, a GPS position.

    Parameters
    ----------
    zone
        The zone it shows (darker underground).
    taken
        Capture time (aware; written in Montréal local time with its offset).
    lat, lon
        GPS position, or None for a photo without a fix.
    seed
        Varies the picture.

    Returns
    -------
    bytes
        The JPEG file.
    """
    from PIL import ExifTags, Image, ImageDraw

    dark = zone not in OUTDOOR_ZONES
    img = Image.new("RGB", (64, 48), (38, 40, 52) if dark else (120, 128, 140))
    draw = ImageDraw.Draw(img)
    shade = 90 + (seed * 37) % 120
    draw.rectangle((6 + seed % 10, 10, 30 + seed % 20, 40), fill=(shade, shade - 20, 60))
    draw.line((0, 44, 63, 30 + seed % 12), fill=(200, 190, 80), width=2)
    exif = Image.Exif()
    exif[ExifTags.Base.Make] = "Phone"
    sub = exif.get_ifd(ExifTags.IFD.Exif)
    local = taken.astimezone(ZoneInfo(TIMEZONE))
    sub[ExifTags.Base.DateTimeOriginal] = local.strftime("%Y:%m:%d %H:%M:%S")
    offset = local.strftime("%z")
    sub[ExifTags.Base.OffsetTimeOriginal] = f"{offset[:3]}:{offset[3:]}"
    if lat is not None and lon is not None:
        gps = exif.get_ifd(ExifTags.IFD.GPSInfo)
        gps[ExifTags.GPS.GPSLatitudeRef] = "N" if lat >= 0 else "S"
        gps[ExifTags.GPS.GPSLatitude] = _dms(lat)
        gps[ExifTags.GPS.GPSLongitudeRef] = "E" if lon >= 0 else "W"
        gps[ExifTags.GPS.GPSLongitude] = _dms(lon)
    buf = io.BytesIO()
    img.save(buf, "JPEG", quality=60, exif=exif)
    return buf.getvalue()


def _dms(value: float) -> tuple[float, float, float]:
    """Degrees, minutes and seconds of ``abs(value)`` (EXIF GPS rationals)."""
    value = abs(value)
    d = int(value)
    m = int((value - d) * 60)
    s = round((value - d - m / 60) * 3600, 3)
    return (float(d), float(m), s)
