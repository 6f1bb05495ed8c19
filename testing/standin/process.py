"""`BotProcess`: run the real bot (``python -m bot run``) as a subprocess wired to a `FakeDiscord`."""

from __future__ import annotations

import asyncio
import os
import re
import signal
import sys
from collections.abc import Mapping, Sequence
from pathlib import Path

from .server import FakeDiscord

REPO_ROOT = Path(__file__).resolve().parents[2]
DEFAULT_ARGV: tuple[str, ...] = (sys.executable, "-m", "bot", "run")


class BotProcess:
    """The bot as a child process, pointed at the stand-in through its development settings.

    Output (stdout and stderr together) goes to `log_path`, appended across restarts with a marker line per
    start.
    """

    def __init__(
        self,
        fake: FakeDiscord,
        *,
        database: Path | str,  # SENTIMETER_DATABASE: a SQLite file or a PostgreSQL URL
        log_path: Path,
        dev_guild_id: int | None = None,
        argv: Sequence[str] = DEFAULT_ARGV,
        env: Mapping[str, str] | None = None,
        cwd: Path = REPO_ROOT,
        log_level: str = "DEBUG",
    ) -> None:
        self.fake = fake
        self.database = database
        self.log_path = log_path
        self.dev_guild_id = dev_guild_id
        self.argv = list(argv)
        self.extra_env = dict(env or {})
        self.cwd = cwd
        self.log_level = log_level
        self.proc: asyncio.subprocess.Process | None = None
        self.starts = 0
        self._identify_base = 0
        self._sync_base = 0
        self._log_offset = 0

    def environment(self) -> dict[str, str]:
        env = {
            k: v for k, v in os.environ.items() if not k.startswith("SENTIMETER_") and k != "DISCORD_TOKEN"
        }
        env.update(
            DISCORD_TOKEN=self.fake.token,
            SENTIMETER_DATABASE=str(self.database),
            SENTIMETER_API_BASE_URL=self.fake.api_base_url,
            SENTIMETER_GATEWAY_URL=self.fake.gateway_url,
            SENTIMETER_LOG_LEVEL=self.log_level,
            PYTHONUNBUFFERED="1",
            SENTIMETER_CHART_WARMUP="0",  # a test that draws charts starts the worker on its first chart
        )
        if self.dev_guild_id is not None:
            env["SENTIMETER_DEV_GUILD_ID"] = str(self.dev_guild_id)
        env.update(self.extra_env)
        return env

    # --- lifecycle ---

    async def start(self) -> None:
        if self.running:
            raise RuntimeError("bot process already running")
        self.starts += 1
        self._identify_base = self.fake.identify_count
        self._sync_base = len(self.fake.command_syncs)
        self.log_path.parent.mkdir(parents=True, exist_ok=True)
        with self.log_path.open("a", encoding="utf-8") as fh:
            fh.write(f"=== BotProcess start #{self.starts}: {' '.join(self.argv)} ===\n")
        self._log_offset = self.log_path.stat().st_size
        log_file = self.log_path.open("ab")
        try:
            self.proc = await asyncio.create_subprocess_exec(
                *self.argv,
                cwd=str(self.cwd),
                env=self.environment(),
                stdin=asyncio.subprocess.DEVNULL,
                stdout=log_file,
                stderr=asyncio.subprocess.STDOUT,
            )
        finally:
            log_file.close()  # the child holds its own descriptor

    @property
    def running(self) -> bool:
        return self.proc is not None and self.proc.returncode is None

    @property
    def returncode(self) -> int | None:
        return None if self.proc is None else self.proc.returncode

    @property
    def pid(self) -> int | None:
        return None if self.proc is None else self.proc.pid

    async def wait_exit(self, timeout: float = 30.0) -> int:  # noqa: ASYNC109
        if self.proc is None:
            raise RuntimeError("bot process was never started")
        return await asyncio.wait_for(self.proc.wait(), timeout=timeout)

    async def terminate(self, timeout: float = 30.0) -> int:  # noqa: ASYNC109
        """SIGTERM and wait for exit (SIGKILL after `timeout`). Returns the exit code."""
        if self.proc is None:
            raise RuntimeError("bot process was never started")
        if self.proc.returncode is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                return await asyncio.wait_for(self.proc.wait(), timeout=timeout)
            except TimeoutError:
                self.proc.kill()
                await self.proc.wait()
                raise AssertionError(
                    f"bot ignored SIGTERM for {timeout}s; killed\n{self.logs()[-4000:]}"
                ) from None
        return self.proc.returncode

    async def kill(self) -> int:
        """SIGKILL (a crash: no shutdown code runs)."""
        if self.proc is None:
            raise RuntimeError("bot process was never started")
        if self.proc.returncode is None:
            self.proc.kill()
        return await self.proc.wait()

    async def restart(self, *, graceful: bool = True, wait_ready: bool = True, timeout: float = 60.0) -> None:  # noqa: ASYNC109
        if self.running:
            await (self.terminate() if graceful else self.kill())
        await self.start()
        if wait_ready:
            await self.wait_ready(timeout=timeout)

    async def __aenter__(self) -> BotProcess:
        await self.start()
        return self

    async def __aexit__(self, *exc: object) -> None:
        if self.running:
            await self.kill()

    # --- readiness and logs ---

    def logs(self, *, current_run_only: bool = False) -> str:
        if not self.log_path.exists():
            return ""
        data = self.log_path.read_bytes()
        if current_run_only:
            data = data[self._log_offset :]
        return data.decode("utf-8", errors="replace")

    def _check_alive(self) -> None:
        if self.proc is not None and self.proc.returncode is not None:
            raise AssertionError(
                f"bot process exited with {self.proc.returncode}\n"
                f"--- log ---\n{self.logs(current_run_only=True)[-6000:]}"
            )

    async def wait_ready(
        self,
        *,
        timeout: float = 60.0,  # noqa: ASYNC109
        require_sync: bool | None = None,
        log_line: str | None = None,
    ) -> None:
        """Until the stand-in saw this run IDENTIFY and the session is live, plus (by default when a dev
        guild is
        set) a command sync, plus an optional log line (regex). Fails early, with the log, if the process
        exits."""
        if require_sync is None:
            require_sync = self.dev_guild_id is not None
        pattern = re.compile(log_line) if log_line else None

        def ready() -> bool:
            self._check_alive()
            if self.fake.identify_count <= self._identify_base or not self.fake.gateway.live_connections():
                return False
            if require_sync and len(self.fake.command_syncs) <= self._sync_base:
                return False
            return pattern is None or bool(pattern.search(self.logs(current_run_only=True)))

        try:
            await self.fake.wait_for(ready, timeout=timeout, description="the bot process to be ready")
        except TimeoutError as exc:
            raise AssertionError(f"{exc}\n--- log ---\n{self.logs(current_run_only=True)[-6000:]}") from None

    async def wait_for_log(self, pattern: str, *, timeout: float = 30.0) -> re.Match[str]:  # noqa: ASYNC109
        """Until `pattern` (regex) appears in this run's output; returns the match."""
        regex = re.compile(pattern)

        def found() -> re.Match[str] | None:
            match = regex.search(self.logs(current_run_only=True))
            if match is None:
                self._check_alive()
            return match

        return await self.fake.wait_for(found, timeout=timeout, description=f"log line /{pattern}/")
