"""A throwaway PostgreSQL server for tests and benchmarks (dev-only, like the stand-in).

``PostgresServer.start()`` runs ``initdb`` and ``pg_ctl`` from the machine's PostgreSQL binaries in a fresh
folder under the temp directory, on a free loopback port, with durability off (fsync, synchronous commit and
full-page writes: a test server loses nothing it needs when it dies), and ``stop()`` removes it.
``new_database()`` makes an empty database and returns its URL (``createdb``, so it works from sync and async
code alike).

PostgreSQL refuses to run as root: as root the server runs as the ``postgres`` system user when it exists
(Debian's package makes it), else as ``nobody``; its folder is created outside pytest's private temp tree so
that user can reach it.

The binaries are found in $SENTIMETER_PG_BINDIR (only there when it is set), else ``pg_config --bindir``,
else the newest /usr/lib/postgresql/*/bin, else on PATH. $SENTIMETER_TEST_POSTGRES_URL points at an existing
server instead (databases are created on it and left there). ``PostgresUnavailable`` says why there is none.
"""

from __future__ import annotations

import contextlib
import itertools
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import time
import uuid
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

SUPERUSER = "postgres"
_START_TIMEOUT_S = 60


class PostgresUnavailable(RuntimeError):
    """No PostgreSQL server can be started or reached here (the message says why)."""


def find_bindir() -> Path | None:
    """The folder with initdb, pg_ctl and createdb, or None."""
    candidates: list[Path] = []
    if env := os.environ.get("SENTIMETER_PG_BINDIR"):  # an explicit choice: that folder or nothing
        candidates.append(Path(env))
        return candidates[0] if _complete(candidates[0]) else None
    with contextlib.suppress(OSError, subprocess.SubprocessError):
        cmd = ["pg_config", "--bindir"]
        out = subprocess.run(cmd, capture_output=True, text=True, timeout=10, check=True)
        candidates.append(Path(out.stdout.strip()))
    versions = sorted(
        Path("/usr/lib/postgresql").glob("*/bin"),
        key=lambda p: int(p.parent.name) if p.parent.name.isdigit() else 0,
        reverse=True,
    )
    candidates.extend(versions)
    if initdb := shutil.which("initdb"):
        candidates.append(Path(initdb).resolve().parent)
    return next((folder for folder in candidates if _complete(folder)), None)


def _complete(folder: Path) -> bool:
    return all((folder / tool).is_file() for tool in ("initdb", "pg_ctl", "createdb", "postgres"))


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _run_as() -> pwd.struct_passwd | None:
    """The user the server runs as when we are root (None: run as ourselves)."""
    if os.geteuid() != 0:
        return None
    for name in ("postgres", "nobody"):
        with contextlib.suppress(KeyError):
            return pwd.getpwnam(name)
    raise PostgresUnavailable("running as root, and no 'postgres' or 'nobody' user to run PostgreSQL as")


class PostgresServer:
    """One running server; ``url`` is its maintenance database's address."""

    def __init__(self, url: str, *, bindir: Path | None, folder: Path | None) -> None:
        self.url = url
        self._bindir = bindir
        self._folder = folder
        self._names = itertools.count(1)
        self._prefix = f"t{uuid.uuid4().hex[:8]}"

    # -- life cycle ------------------------------------------------------------------------------------------
    @classmethod
    def start(cls) -> PostgresServer:
        """An existing server ($SENTIMETER_TEST_POSTGRES_URL) or a new throwaway one."""
        if url := os.environ.get("SENTIMETER_TEST_POSTGRES_URL"):
            return cls(url, bindir=find_bindir(), folder=None)
        bindir = find_bindir()
        if bindir is None:
            raise PostgresUnavailable(
                "no PostgreSQL server binaries (initdb, pg_ctl) found: install Debian's 'postgresql' package "
                "or set SENTIMETER_PG_BINDIR"
            )
        user = _run_as()
        folder = Path(tempfile.mkdtemp(prefix="sentimeter-pg-"))
        try:
            data = folder / "data"
            data.mkdir()
            if user is not None:
                for path in (folder, data):
                    os.chown(path, user.pw_uid, user.pw_gid)
            port = _free_port()
            cls._run(
                bindir, user, "initdb", "-D", str(data), "-A", "trust", "-U", SUPERUSER, "-E", "UTF8",
                "--locale=C", "--no-sync",
            )  # fmt: skip
            options = " ".join(
                [
                    f"-p {port}",
                    "-c listen_addresses=127.0.0.1",
                    f"-k {folder}",
                    "-c fsync=off",
                    "-c synchronous_commit=off",
                    "-c full_page_writes=off",
                    "-c max_connections=300",
                    "-c shared_buffers=128MB",
                ]
            )
            cls._run(
                bindir, user, "pg_ctl", "-D", str(data), "-o", options, "-l", str(folder / "server.log"),
                "-w", "-t", str(_START_TIMEOUT_S), "start",
            )  # fmt: skip
        except BaseException:
            log = folder / "server.log"
            tail = log.read_text(errors="replace")[-2000:] if log.exists() else ""
            shutil.rmtree(folder, ignore_errors=True)
            if tail:
                raise PostgresUnavailable(f"PostgreSQL did not start; its log ends with:\n{tail}") from None
            raise
        return cls(f"postgresql://{SUPERUSER}@127.0.0.1:{port}/postgres", bindir=bindir, folder=folder)

    def stop(self) -> None:
        """Stop the server and delete its folder (an external server is left alone)."""
        if self._folder is None or self._bindir is None:
            return
        folder, self._folder = self._folder, None
        with contextlib.suppress(PostgresUnavailable):
            data = str(folder / "data")
            self._run(self._bindir, _run_as(), "pg_ctl", "-D", data, "-m", "immediate", "stop")
        shutil.rmtree(folder, ignore_errors=True)

    def __enter__(self) -> PostgresServer:
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # -- databases -------------------------------------------------------------------------------------------
    def new_database(self, name: str | None = None) -> str:
        """Create an empty database and return its URL."""
        name = name or f"{self._prefix}_{next(self._names)}"
        createdb = str(self._bindir / "createdb") if self._bindir else shutil.which("createdb")
        if createdb is None:
            raise PostgresUnavailable("no 'createdb' to make a test database with")
        done = subprocess.run(
            [createdb, "--maintenance-db", self.url, "-T", "template0", name],
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )
        if done.returncode != 0:
            raise PostgresUnavailable(f"createdb {name} failed: {done.stderr.strip()}")
        return self.database_url(name)

    def database_url(self, name: str) -> str:
        parts = urlsplit(self.url)
        return urlunsplit(parts._replace(path=f"/{name}"))

    # -- helpers ---------------------------------------------------------------------------------------------
    @staticmethod
    def _run(bindir: Path, user: pwd.struct_passwd | None, tool: str, *args: str) -> None:
        cmd = [str(bindir / tool), *args]
        if user is not None:
            cmd = ["setpriv", f"--reuid={user.pw_uid}", f"--regid={user.pw_gid}", "--clear-groups", *cmd]
        env = {**os.environ, "LC_ALL": "C"}
        if user is not None:
            env["HOME"] = "/tmp"
        started = time.monotonic()
        done = subprocess.run(
            cmd, capture_output=True, text=True, timeout=_START_TIMEOUT_S + 30, check=False, env=env, cwd="/"
        )
        if done.returncode != 0:
            said = (done.stderr or done.stdout).strip()
            raise PostgresUnavailable(f"{tool} failed after {time.monotonic() - started:.1f}s: {said}")
