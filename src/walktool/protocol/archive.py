"""The archive of protocol files a project's campaigns were scored with (``protocols/archive/``).

The first time an import uses a protocol version, the exact file is copied to
``protocols/archive/ID@VERSION.yaml`` and never changed afterwards, so the rules
a campaign was scored under can always be read back, whatever happens to the
file in ``protocols/``.  When the rules of a version are edited without a new
version number, the edited file is archived beside the first as
``ID@VERSION~HASH.yaml`` (``HASH`` = :func:`walktool.protocol.rules.rules_hash`).
"""

from __future__ import annotations

import contextlib
import os
import re
import tempfile
from pathlib import Path

from walktool.errors import ProtocolError
from walktool.i18n import N_, Phrase
from walktool.protocol.files import load_protocol
from walktool.protocol.model import Protocol

ARCHIVE_DIR = "archive"
_NAME = re.compile(r"^(?P<ref>[^~]+@[^~]+?)(?:~(?P<hash>[0-9a-f]+))?\.ya?ml$")


def archive_dir(protocols_dir: str | Path) -> Path:
    """The archive folder of a project's ``protocols/`` folder."""
    return Path(protocols_dir) / ARCHIVE_DIR


def archived_protocols(protocols_dir: str | Path) -> dict[tuple[str, str], Path]:
    """Every archived file, by ``(id@version, rules hash)``.

    Files that are not valid protocols are skipped (they are reported by
    ``walktool protocol validate``).
    """
    folder = archive_dir(protocols_dir)
    found: dict[tuple[str, str], Path] = {}
    if not folder.is_dir():
        return found
    for path in sorted(folder.glob("*.y*ml")):
        if not _NAME.match(path.name):
            continue
        try:
            protocol = load_protocol(path)
        except ProtocolError:
            continue
        found.setdefault((protocol.ref, protocol.rules_hash), path)
    return found


def archive_protocol(protocols_dir: str | Path, protocol: Protocol) -> Path:
    """Copy the file of ``protocol`` into the archive unless its rules are already there.

    Returns the archived file of this version and rules hash.

    Raises
    ------
    ProtocolError
        When the protocol was not loaded from a file.
    """
    if protocol.path is None:
        msg = Phrase(N_("protocol {ref} was not read from a file, so it cannot be archived"), ref=protocol.ref)
        raise ProtocolError(msg)
    known = archived_protocols(protocols_dir)
    hit = known.get((protocol.ref, protocol.rules_hash))
    if hit is not None:
        return hit
    folder = archive_dir(protocols_dir)
    folder.mkdir(parents=True, exist_ok=True)
    content = Path(protocol.path).read_bytes()
    first = folder / f"{protocol.ref}.yaml"
    named = folder / f"{protocol.ref}~{protocol.rules_hash}.yaml"
    candidates = [named] if any(ref == protocol.ref for ref, _ in known) else [first, named]
    # several imports may archive at once: each writes its own temporary file, then links it
    # under the name only if no one took that name (never overwriting another version's file)
    fd, tmp = tempfile.mkstemp(dir=folder, prefix=f".{protocol.ref}.", suffix=".part")
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(content)
        for target in candidates:
            try:
                os.link(tmp, target)
                return target
            except FileExistsError:
                if target.read_bytes() == content:
                    return target  # the same file, archived by a concurrent import
        os.replace(tmp, named)  # the hash-named file holds other bytes: these rules' text wins
        return named
    finally:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)


def find_archived(protocols_dir: str | Path, ref: str, rules_hash: str | None = None) -> Protocol | None:
    """The archived protocol ``ref`` (``id@version``), with these rules when ``rules_hash`` is given.

    Without a hash, the first archived file of the version (``ID@VERSION.yaml``) is returned.
    """
    known = archived_protocols(protocols_dir)
    if rules_hash is not None:
        path = known.get((ref, rules_hash))
        return load_protocol(path) if path is not None else None
    plain = archive_dir(protocols_dir) / f"{ref}.yaml"
    if plain.exists() and any(p == plain for p in known.values()):
        return load_protocol(plain)
    first = next((p for (r, _), p in known.items() if r == ref), None)
    return load_protocol(first) if first is not None else None
