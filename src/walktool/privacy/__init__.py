"""Privacy by audience: what staff and public outputs may show (:mod:`~.audience`), photo copies (:mod:`~.photos`)."""

from __future__ import annotations

from walktool.privacy.audience import (
    AUDIENCES,
    AudienceError,
    check_audience,
    for_audience,
    mark_publishable,
    publishable_ids,
    records_for_audience,
)
from walktool.privacy.photos import CopiedPhotoIndex, PhotoCopies, blur_faces, detect_faces

__all__ = [
    "AUDIENCES",
    "AudienceError",
    "CopiedPhotoIndex",
    "PhotoCopies",
    "blur_faces",
    "check_audience",
    "detect_faces",
    "for_audience",
    "mark_publishable",
    "publishable_ids",
    "records_for_audience",
]
