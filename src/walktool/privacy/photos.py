"""Photo copies for an audience: EXIF always removed, faces blurred for the public.

Outputs never link a participant's original photo: they link a copy in
``<output folder>/photos/<audience>/``.  Every copy is re-encoded from its pixels
(turned upright first, as its EXIF orientation says), so no EXIF, XMP or GPS block
survives; a public copy also has every face found by OpenCV's bundled Haar cascades
(frontal and profile faces; ``cv2.data.haarcascades``) blurred beyond recognition.
A detector misses some faces (small, turned, in shadow): public photos deserve a
look before they are published, and docs/privacy.md says so.

Copies are named by the original's content (SHA-256) and kept: writing the same
output again reuses them.
"""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import TYPE_CHECKING, Any

from walktool.privacy.audience import check_audience

if TYPE_CHECKING:
    import numpy as np

CASCADES = ("haarcascade_frontalface_default.xml", "haarcascade_profileface.xml")
MAX_SIDE = 1600  # copies are for screens and workbooks: at most this many pixels a side


def detect_faces(rgb: np.ndarray) -> list[tuple[int, int, int, int]]:
    """Face boxes ``(x, y, w, h)`` in an RGB image, by OpenCV's bundled Haar cascades."""
    import cv2

    grey = cv2.equalizeHist(cv2.cvtColor(rgb, cv2.COLOR_RGB2GRAY))
    smallest = max(24, min(grey.shape[:2]) // 20)
    boxes: list[tuple[int, int, int, int]] = []
    for name in CASCADES:
        cascade = cv2.CascadeClassifier(str(Path(cv2.data.haarcascades) / name))  # type: ignore[attr-defined]
        if cascade.empty():
            continue
        for flipped in (False, True) if "profile" in name else (False,):
            img = cv2.flip(grey, 1) if flipped else grey
            found = cascade.detectMultiScale(img, scaleFactor=1.1, minNeighbors=5, minSize=(smallest, smallest))
            for x, y, w, h in (found if len(found) else []):
                x = grey.shape[1] - x - w if flipped else x
                boxes.append((int(x), int(y), int(w), int(h)))
    return boxes


def blur_faces(rgb: np.ndarray) -> tuple[np.ndarray, int]:
    """The image with every detected face (and a margin around it) blurred; and how many were found."""
    import cv2

    out = rgb.copy()
    boxes = detect_faces(rgb)
    height, width = out.shape[:2]
    for x, y, w, h in boxes:
        mx, my = w // 4, h // 4
        x0, y0, x1, y1 = max(0, x - mx), max(0, y - my), min(width, x + w + mx), min(height, y + h + my)
        region = out[y0:y1, x0:x1]
        # pixelate, then blur: nothing of the face's features is left to recover
        small = cv2.resize(region, (max(1, (x1 - x0) // 12), max(1, (y1 - y0) // 12)), interpolation=cv2.INTER_LINEAR)
        coarse = cv2.resize(small, (x1 - x0, y1 - y0), interpolation=cv2.INTER_NEAREST)
        k = max(3, ((min(x1 - x0, y1 - y0) // 4) | 1))
        out[y0:y1, x0:x1] = cv2.GaussianBlur(coarse, (k, k), 0)
    return out, len(boxes)


class PhotoCopies:
    """Copies of photos for one audience, kept in ``folder/photos/<audience>/``."""

    def __init__(self, folder: Path, audience: str) -> None:
        self.audience = check_audience(audience)
        self.dir = Path(folder) / "photos" / audience
        self.faces = 0
        self._done: dict[Path, Path | None] = {}

    def copy(self, source: Path | None) -> Path | None:
        """The copy of ``source`` for this audience (made on first use), or None when it cannot be read."""
        if source is None:
            return None
        source = Path(source)
        if source in self._done:
            return self._done[source]
        made = self._make(source)
        self._done[source] = made
        return made

    def _make(self, source: Path) -> Path | None:
        import numpy as np
        from PIL import Image, ImageOps

        try:
            digest = hashlib.sha256(source.read_bytes()).hexdigest()[:16]
        except OSError:
            return None
        suffix = ".png" if source.suffix.lower() == ".png" else ".jpg"
        target = self.dir / f"{source.stem[:40]}-{digest}{suffix}"
        if target.is_file():
            return target
        try:
            with Image.open(source) as opened:
                image = ImageOps.exif_transpose(opened) or opened
                image = image.convert("RGB")
        except Exception:  # unreadable or unsupported (HEIC without a plugin…): no copy, no link
            return None
        image.thumbnail((MAX_SIDE, MAX_SIDE))
        if self.audience == "public":
            pixels, found = blur_faces(np.asarray(image))
            self.faces += found
            image = Image.fromarray(pixels)
        self.dir.mkdir(parents=True, exist_ok=True)
        tmp = target.with_name(f".{target.name}.tmp")
        # saved from pixels alone: no exif=, no icc_profile=, no XMP: nothing of the original's metadata
        image.save(tmp, format="PNG" if suffix == ".png" else "JPEG", quality=88)
        tmp.replace(target)
        return target


class CopiedPhotoIndex:
    """A photo index (``find(photo) -> Path``) that answers with the audience's copies."""

    def __init__(self, index: Any, copies: PhotoCopies) -> None:
        self.index = index
        self.copies = copies

    def find(self, photo: str) -> Path | None:
        """The copy of the stored photo a ``photo`` cell names, or None."""
        return self.copies.copy(self.index.find(photo))
