"""A throwaway PostgreSQL + PostGIS cluster for the tests: a temporary folder, a loopback port, removed after.

One cluster per pytest process (each xdist worker has its own), one fresh database per
test (copied from a template that has PostGIS).  As root, ``initdb`` and ``pg_ctl`` run
as the ``postgres`` user of the Debian packages.  Where PostgreSQL or PostGIS is not
installed (``make test`` installs them), or with ``WALKTOOL_TEST_POSTGIS=0``, the PostGIS
tests are skipped, and the run's summary says so in capitals.
"""

from __future__ import annotations

import glob
import os
import shutil
import socket
import subprocess
import tempfile
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

SKIP_REASON = "POSTGIS NOT TESTED: PostgreSQL 15 + PostGIS could not be found or started"
TEMPLATE = "walktool_template"


@dataclass
class Cluster:
    """A running cluster: its folder, port and superuser."""

    folder: Path
    port: int
    user: str = "postgres"

    def url(self, database: str = "postgres", user: str | None = None) -> str:
        return f"postgresql://{user or self.user}@127.0.0.1:{self.port}/{database}"


def _bindir() -> Path | None:
    for candidate in sorted(glob.glob("/usr/lib/postgresql/*/bin"), reverse=True):
        if Path(candidate, "initdb").exists() and glob.glob("/usr/share/postgresql/*/extension/postgis.control"):
            return Path(candidate)
    return None


def _as_owner(argv: list[str]) -> list[str]:
    if os.geteuid() == 0:
        return ["runuser", "-u", "postgres", "--", *argv]
    return argv


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def start_cluster() -> tuple[Cluster | None, str]:
    """Start a cluster, or return None and why not."""
    if os.environ.get("WALKTOOL_TEST_POSTGIS") == "0":
        return None, f"{SKIP_REASON} (WALKTOOL_TEST_POSTGIS=0)"
    bindir = _bindir()
    if bindir is None:
        return None, f"{SKIP_REASON} (no /usr/lib/postgresql/*/bin/initdb with postgis.control; run `make test`)"
    if os.geteuid() == 0 and subprocess.run(["id", "postgres"], capture_output=True).returncode != 0:
        return None, f"{SKIP_REASON} (running as root and there is no postgres user to run initdb as)"
    folder = Path(tempfile.mkdtemp(prefix="walktool-pg-"))
    os.chmod(folder, 0o700)
    if os.geteuid() == 0:
        shutil.chown(folder, "postgres", "postgres")
    data = folder / "data"
    port = _free_port()
    try:
        subprocess.run(
            _as_owner([str(bindir / "initdb"), "-D", str(data), "-U", "postgres", "--auth=trust", "-E", "UTF8",
                       "--locale=C", "--no-sync"]),
            check=True, capture_output=True, timeout=120,
        )
        options = f"-h 127.0.0.1 -p {port} -k {folder} -c fsync=off -c synchronous_commit=off -c full_page_writes=off"
        subprocess.run(
            _as_owner([str(bindir / "pg_ctl"), "-D", str(data), "-o", options, "-l", str(folder / "log"), "-w", "-t", "60", "start"]),
            check=True, capture_output=True, timeout=120,
        )
    except (subprocess.CalledProcessError, subprocess.TimeoutExpired, OSError) as exc:
        shutil.rmtree(folder, ignore_errors=True)
        detail = getattr(exc, "stderr", b"") or b""
        return None, f"{SKIP_REASON} ({exc}; {detail.decode(errors='replace').strip()[:300]})"
    cluster = Cluster(folder, port)
    import psycopg

    with psycopg.connect(cluster.url(), autocommit=True) as con:
        con.execute(f"CREATE DATABASE {TEMPLATE}")
    with psycopg.connect(cluster.url(TEMPLATE), autocommit=True) as con:
        con.execute("CREATE EXTENSION postgis")
    return cluster, ""


def stop_cluster(cluster: Cluster) -> None:
    """Stop the cluster and remove its folder."""
    bindir = _bindir()
    if bindir is not None:
        subprocess.run(_as_owner([str(bindir / "pg_ctl"), "-D", str(cluster.folder / "data"), "-m", "immediate", "stop"]),
                       capture_output=True, timeout=60)
    shutil.rmtree(cluster.folder, ignore_errors=True)


def fresh_database(cluster: Cluster) -> Iterator[str]:
    """A new database with PostGIS (from the template), dropped afterwards; yields its URL."""
    import psycopg

    name = f"t_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(cluster.url(), autocommit=True) as con:
        con.execute(f"CREATE DATABASE {name} TEMPLATE {TEMPLATE}")
    try:
        yield cluster.url(name)
    finally:
        with psycopg.connect(cluster.url(), autocommit=True) as con:
            con.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
