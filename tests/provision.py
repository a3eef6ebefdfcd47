"""What the test suite needs beyond pip: Debian's Chromium and a throwaway PostgreSQL server.

Both are provisioned by the suite itself, so the README's one test command works on a fresh
machine (as root with apt, as in CI). When something cannot be provisioned the tests that need
it fail with the reason; they are never skipped.
"""

from __future__ import annotations

import glob
import os
import shutil
import socket
import subprocess
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]


class ProvisionError(RuntimeError):
    pass


def _run(command: list[str], **kwargs) -> subprocess.CompletedProcess:
    return subprocess.run(command, check=True, capture_output=True, text=True, **kwargs)


def ensure_chromium() -> str:
    """The path of Debian's Chromium, installing it with apt-get when missing."""
    if Path(CHROMIUM).exists():
        return CHROMIUM
    if shutil.which("apt-get") is None or os.geteuid() != 0:
        raise ProvisionError(
            "Chromium is missing: install Debian's package with `apt-get install chromium`"
            " (needs root), then run the tests again."
        )
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    try:
        _run(["apt-get", "update", "-q"], env=env, timeout=600)
        _run(["apt-get", "install", "-y", "-q", "chromium"], env=env, timeout=1200)
    except subprocess.SubprocessError as error:
        raise ProvisionError(f"could not install Chromium with apt-get: {error}") from error
    if not Path(CHROMIUM).exists():
        raise ProvisionError("apt-get installed chromium but /usr/bin/chromium is missing")
    return CHROMIUM


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class PostgresServer:
    directory: Path
    port: int
    bin_dir: Path

    @property
    def url(self) -> str:
        return f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/postgres"

    def create_database(self, name: str) -> str:
        _as_postgres(
            [str(self.bin_dir / "createdb"), "-h", "127.0.0.1", "-p", str(self.port), name]
        )
        return f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/{name}"

    def stop(self) -> None:
        _as_postgres(
            [
                str(self.bin_dir / "pg_ctl"),
                "-D",
                str(self.directory / "data"),
                "-m",
                "immediate",
                "stop",
            ]
        )
        shutil.rmtree(self.directory, ignore_errors=True)


def _as_postgres(command: list[str]) -> subprocess.CompletedProcess:
    if os.geteuid() == 0:
        command = ["runuser", "-u", "postgres", "--", *command]
    return _run(command, timeout=120)


def postgres_bin_dir() -> Path:
    candidates = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"), reverse=True)
    if not candidates and shutil.which("apt-get") and os.geteuid() == 0:
        env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
        _run(["apt-get", "update", "-q"], env=env, timeout=600)
        _run(["apt-get", "install", "-y", "-q", "postgresql"], env=env, timeout=1200)
        candidates = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"), reverse=True)
    if not candidates:
        raise ProvisionError("PostgreSQL server binaries not found (apt-get install postgresql)")
    return Path(candidates[0]).parent


def start_postgres() -> PostgresServer:
    """initdb and start a private server on a free loopback port, in a temp dir of postgres's."""
    bin_dir = postgres_bin_dir()
    directory = Path(tempfile.mkdtemp(prefix="quizapp-pg-"))
    if os.geteuid() == 0:
        shutil.chown(directory, "postgres", "postgres")
    data = directory / "data"
    port = free_port()
    _as_postgres([str(bin_dir / "initdb"), "-D", str(data), "-A", "trust", "-U", "postgres"])
    options = f"-k {directory} -p {port} -c listen_addresses=127.0.0.1 -c fsync=off"
    _as_postgres(
        [
            str(bin_dir / "pg_ctl"),
            "-D",
            str(data),
            "-o",
            options,
            "-l",
            str(directory / "log"),
            "-w",
            "start",
        ]
    )
    server = PostgresServer(directory=directory, port=port, bin_dir=bin_dir)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        with socket.socket() as sock:
            if sock.connect_ex(("127.0.0.1", port)) == 0:
                return server
        time.sleep(0.2)
    raise ProvisionError("PostgreSQL did not start within 30 s")
