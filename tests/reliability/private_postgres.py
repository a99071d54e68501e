"""A PostgreSQL cluster of the test's own (initdb + pg_ctl into a temporary directory, on a free port), so a test
can stop and restart its database without touching the machine's server or anyone else's databases.

PostgreSQL refuses to run as root: as root, every server command runs as the `postgres` user (runuser)."""

from __future__ import annotations

import contextlib
import os
import shutil
import subprocess
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from tests.reliability.servers import free_port

SERVER_USER = "postgres"


def postgres_bin() -> Path | None:
    """The newest installed PostgreSQL's bin directory (Debian's layout), or None."""
    candidates = sorted(Path("/usr/lib/postgresql").glob("*/bin/initdb"), key=lambda p: int(p.parts[-3]))
    return candidates[-1].parent if candidates else None


def available() -> bool:
    if postgres_bin() is None:
        return False
    return os.geteuid() != 0 or shutil.which("runuser") is not None


@dataclass
class PrivateCluster:
    bin: Path
    root: Path
    port: int

    @property
    def data(self) -> Path:
        return self.root / "data"

    @property
    def url(self) -> str:
        return f"postgresql://{SERVER_USER}@127.0.0.1:{self.port}/arauto"

    def _run(self, tool: str, *args: str) -> None:
        command = [str(self.bin / tool), *args]
        if os.geteuid() == 0:
            command = ["runuser", "-u", SERVER_USER, "--", *command]
        subprocess.run(command, check=True, capture_output=True, cwd=self.root)

    def init(self) -> None:
        self._run("initdb", "-D", str(self.data), "-U", SERVER_USER, "--auth=trust", "-E", "UTF8", "--no-sync")
        self.start()
        self._run("createdb", "-h", "127.0.0.1", "-p", str(self.port), "-U", SERVER_USER, "arauto")

    def start(self) -> None:
        options = f"-p {self.port} -k {self.root} -c listen_addresses=127.0.0.1 -c fsync=off"
        self._run("pg_ctl", "-D", str(self.data), "-o", options, "-l", str(self.root / "server.log"), "-w", "start")

    def stop(self, mode: str = "fast") -> None:
        self._run("pg_ctl", "-D", str(self.data), "-m", mode, "-w", "stop")

    def restart(self, down_for: float = 0.0) -> float:
        """Stop (fast: every connection is cut), stay down `down_for` seconds, start; when it was back (monotonic)."""
        self.stop()
        time.sleep(down_for)
        self.start()
        return time.monotonic()

    def remove(self) -> None:
        with contextlib.suppress(subprocess.CalledProcessError):  # already down
            self.stop("immediate")
        shutil.rmtree(self.root, ignore_errors=True)


def private_cluster() -> PrivateCluster:
    """A running cluster with an empty database `arauto`; the caller removes it."""
    bin_dir = postgres_bin()
    assert bin_dir is not None, "no PostgreSQL under /usr/lib/postgresql"
    root = Path(tempfile.mkdtemp(prefix="arauto-pg-"))
    if os.geteuid() == 0:
        shutil.chown(root, user=SERVER_USER)
    cluster = PrivateCluster(bin_dir, root, free_port())
    try:
        cluster.init()
    except BaseException:
        cluster.remove()
        raise
    return cluster
