"""Where the shared sample exports are: $WALKTOOL_SAMPLES, else ../shared/samples beside the project."""

from __future__ import annotations

import os
from pathlib import Path


def _samples() -> Path:
    candidates = [Path(os.environ["WALKTOOL_SAMPLES"])] if "WALKTOOL_SAMPLES" in os.environ else []
    candidates += [Path(__file__).resolve().parents[2] / "shared" / "samples", Path("/work/shared/samples")]
    return next((c for c in candidates if c.is_dir()), candidates[0])


SAMPLES = _samples()
