"""The sample's manifest: what was generated, and what importing it should give."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from walktool.sample.plan import CAMPAIGNS, GENERATOR_VERSION, MANIFEST_NAME


@dataclass
class SampleFile:
    """One generated file (or photo folder) and what importing it should give.

    Attributes
    ----------
    path
        Path relative to the walks folder (POSIX separators).
    format
        The format ``walktool import`` detects (``kobo-csv``, ``odk-central`` …).
    campaign, walk_id
        Where it belongs.
    rows
        Records the importer reads from it.
    rejected
        Records deliberately made unreadable (listed in :attr:`SampleManifest.deliberate`).
    observations
        Observations the accepted records give.
    """

    path: str
    format: str
    campaign: str
    walk_id: str
    rows: int
    rejected: int
    observations: int

    @property
    def accepted(self) -> int:
        """Records that should be accepted."""
        return self.rows - self.rejected


@dataclass
class SampleWalk:
    """One walk of the sample: its metadata (``walk.yaml``) and files."""

    walk_id: str
    campaign: str
    date: str
    period: str
    start_time: str
    end_time: str
    facilitator: str
    n_participants: int
    weather: str
    route: list[dict[str, Any]] = field(default_factory=list)  # [{"station": "Monk", "zones": ["entrance", …]}]
    files: list[str] = field(default_factory=list)


@dataclass
class SampleManifest:
    """What :func:`generate_sample_campaign` wrote, and what importing it should give.

    Attributes
    ----------
    seed, scale
        The generator's parameters.
    walks
        Every walk, in date order.
    files
        Every file, with its expected rows, rejects and observations.
    participant_names
        Every spelling of a (fictitious) participant's name that appears in the raw
        sheets.  None may appear in anything walktool writes: they are pseudonymised
        at import.
    deliberate
        The deliberate problems (``{"file", "row", "code", "level", "what"}``): the
        rejects and warnings the data-quality report should show.
    """

    seed: int
    scale: float
    walks: list[SampleWalk]
    files: list[SampleFile]
    participant_names: list[str]
    deliberate: list[dict[str, Any]]
    generator_version: int = GENERATOR_VERSION

    def campaign_files(self, campaign: str) -> list[SampleFile]:
        """Files of one campaign."""
        return [f for f in self.files if f.campaign == campaign]

    def expected(self) -> dict[str, dict[str, int]]:
        """Expected import totals per campaign: ``{campaign: {files, rows, accepted, rejected, observations}}``."""
        out: dict[str, dict[str, int]] = {}
        for campaign in CAMPAIGNS:
            files = self.campaign_files(campaign)
            if not files:
                continue
            out[campaign] = {
                "files": len(files),
                "rows": sum(f.rows for f in files),
                "accepted": sum(f.accepted for f in files),
                "rejected": sum(f.rejected for f in files),
                "observations": sum(f.observations for f in files),
            }
        return out

    def by_format(self) -> dict[str, dict[str, int]]:
        """Expected observations per campaign and format: ``{campaign: {format: observations}}``."""
        out: dict[str, dict[str, int]] = {}
        for f in self.files:
            per = out.setdefault(f.campaign, {})
            per[f.format] = per.get(f.format, 0) + f.observations
        return out

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form (what ``manifest.json`` holds)."""
        return {
            "synthetic": True,
            "generator": "walktool.sample",
            "generator_version": self.generator_version,
            "seed": self.seed,
            "scale": self.scale,
            "campaigns": list(CAMPAIGNS),
            "expected": self.expected(),
            "observations_by_format": self.by_format(),
            "walks": [asdict(w) for w in self.walks],
            "files": [{**asdict(f), "accepted": f.accepted} for f in self.files],
            "deliberate": self.deliberate,
            "participant_names": self.participant_names,
        }

    @classmethod
    def from_dict(cls, doc: dict[str, Any]) -> SampleManifest:
        """Read back :meth:`to_dict`'s output."""
        return cls(
            seed=int(doc["seed"]),
            scale=float(doc["scale"]),
            walks=[SampleWalk(**w) for w in doc["walks"]],
            files=[SampleFile(**{k: v for k, v in f.items() if k != "accepted"}) for f in doc["files"]],
            participant_names=list(doc["participant_names"]),
            deliberate=list(doc["deliberate"]),
            generator_version=int(doc.get("generator_version", GENERATOR_VERSION)),
        )


def default_walks_dir() -> Path | None:
    """The repository's ``walks/`` folder when running from a checkout (None in an installed package)."""
    here = Path(__file__).resolve().parents[3] / "walks"
    return here if (here / MANIFEST_NAME).is_file() else None


def load_manifest(walks_dir: str | Path) -> SampleManifest:
    """Read ``walks_dir/manifest.json``.

    Raises
    ------
    FileNotFoundError
        When the folder holds no sample manifest.
    """
    path = Path(walks_dir) / MANIFEST_NAME
    return SampleManifest.from_dict(json.loads(path.read_text(encoding="utf-8")))
