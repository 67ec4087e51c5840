"""Importing the sample campaigns into a project, walk by walk (what ``walktool demo`` runs)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from walktool.sample.generate import generate_sample_campaign
from walktool.sample.manifest import SampleWalk, default_walks_dir, load_manifest
from walktool.sample.plan import CAMPAIGNS, MANIFEST_NAME

if TYPE_CHECKING:
    from walktool.ingest import ImportResult
    from walktool.project import Project


def import_sample_campaign(
    project: Project,
    walks_dir: str | Path | None = None,
    *,
    campaigns: Sequence[str] | None = None,
    progress: Callable[[str, int, int], None] | None = None,
) -> dict[str, ImportResult]:
    """Import the sample campaigns into a project, walk by walk.

    Each walk's ``walk.yaml`` is copied into the project's ``walks/<walk-id>/``
    first (so its date, facilitator, route and weather are stored), then its files
    are imported with ``--walk <walk-id>``.

    Parameters
    ----------
    project
        The open project to import into.
    walks_dir
        The sample's walks folder (holding ``manifest.json``).  Default: the
        repository's ``walks/`` when running from a checkout; otherwise (an
        installed package, which does not ship ``walks/``) the sample is generated
        into the project's own ``walks/`` first, with the default seed (the same
        bytes as the repository's).
    campaigns
        Only these campaigns (default: all).
    progress
        Called as ``progress(step, done, total)``.

    Returns
    -------
    dict[str, ImportResult]
        One merged import report per campaign, files in walk order.
    """
    if walks_dir is None:
        walks_dir = default_walks_dir()
        if walks_dir is None:
            walks_dir = project.walks_dir
            if not (walks_dir / MANIFEST_NAME).is_file():
                generate_sample_campaign(walks_dir)
    source = Path(walks_dir)
    manifest = load_manifest(source)
    wanted = set(campaigns) if campaigns is not None else set(CAMPAIGNS)
    walks = [w for w in manifest.walks if w.campaign in wanted]
    results: dict[str, ImportResult] = {}
    # import_files loads the project's protocol (a large YAML) twice per call: load it once here
    protocol = project.protocol()
    setattr(project, "protocol", lambda protocol_id=None: protocol if protocol_id in (None, protocol.id) else type(project).protocol(project, protocol_id))  # noqa: B010
    try:
        _import_walks(project, source, walks, results, progress)
    finally:
        delattr(project, "protocol")
    return results


def _import_walks(
    project: Project,
    source: Path,
    walks: list[SampleWalk],
    results: dict[str, ImportResult],
    progress: Callable[[str, int, int], None] | None,
) -> None:
    import shutil

    from walktool.ingest import import_files

    for n, walk in enumerate(walks):
        if progress:
            progress(f"importing {walk.walk_id}", n, len(walks))
        meta_src = source / walk.walk_id / "walk.yaml"
        meta_dst = project.walks_dir / walk.walk_id / "walk.yaml"
        if meta_src.is_file() and meta_src.resolve() != meta_dst.resolve():
            meta_dst.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(meta_src, meta_dst)
        result = import_files(project, [source / p for p in walk.files], walk_id=walk.walk_id, campaign=walk.campaign)
        merged = results.get(walk.campaign)
        if merged is None:
            results[walk.campaign] = result
        else:
            merged.files.extend(result.files)
            merged.import_id = result.import_id
    if progress:
        progress("done", len(walks), len(walks))
