"""Settings read from the environment and `.env`. `.env.example` documents every one."""

from __future__ import annotations

import os
from typing import Annotated

from pydantic import Field, SecretStr, ValidationError, field_validator, model_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

from bot.core.errors import StartupError
from bot.core.shards import Ownership, check_shards


class Settings(BaseSettings):
    model_config = SettingsConfigDict(
        env_file=".env", env_file_encoding="utf-8", extra="ignore", populate_by_name=True
    )

    discord_token: SecretStr | None = Field(default=None, alias="DISCORD_TOKEN")
    # a SQLite file path, or a postgresql:// (postgres://) URL for PostgreSQL (bot/storage/open.py)
    database: str = Field(default="data/sentimeter.db", alias="SENTIMETER_DATABASE")
    log_level: str = Field(default="INFO", alias="SENTIMETER_LOG_LEVEL")
    dev_guild_id: int | None = Field(default=None, alias="SENTIMETER_DEV_GUILD_ID")
    queue_size: int = Field(default=10_000, ge=1, alias="SENTIMETER_QUEUE_SIZE")
    batch_size: int = Field(default=1000, ge=1, alias="SENTIMETER_BATCH_SIZE")
    # Processes that score comments next to the bot (None: one per CPU core; 0: score in the bot process).
    scoring_workers: int | None = Field(default=None, ge=0, le=64, alias="SENTIMETER_SCORING_WORKERS")
    # Days a server's data is kept after the bot is removed from it (0: deleted at the next sweep).
    purge_grace_days: int = Field(default=30, ge=0, le=3650, alias="SENTIMETER_PURGE_GRACE_DAYS")
    # Development only: point the bot at a Discord stand-in (the end-to-end tests do).
    api_base_url: str | None = Field(default=None, alias="SENTIMETER_API_BASE_URL")
    gateway_url: str | None = Field(default=None, alias="SENTIMETER_GATEWAY_URL")
    # Catch-up after downtime (cogs/listener.py): a failed history read is retried after 2, 4, 8 ...
    # seconds (at most the cap; the gap stays recorded meanwhile); the newest messages stored in the last
    # RECONCILE_HOURS (at most RECONCILE_MESSAGES per channel; 0 hours: off) are compared with Discord for
    # deletes, edits and reactions missed; every FLAG_CHECK_MINUTES (0: off) the messages behind open flags
    # are checked to still exist.
    catchup_retry_seconds: float = Field(default=2.0, gt=0, le=3600, alias="SENTIMETER_CATCHUP_RETRY_SECONDS")
    catchup_retry_max_seconds: float = Field(
        default=600.0, gt=0, le=86_400, alias="SENTIMETER_CATCHUP_RETRY_MAX_SECONDS"
    )
    reconcile_hours: float = Field(default=24.0, ge=0, le=24 * 90, alias="SENTIMETER_RECONCILE_HOURS")
    reconcile_messages: int = Field(default=1000, ge=1, le=100_000, alias="SENTIMETER_RECONCILE_MESSAGES")
    flag_check_minutes: float = Field(
        default=60.0, ge=0, le=7 * 24 * 60, alias="SENTIMETER_FLAG_CHECK_MINUTES"
    )
    # Charts (bot/app/charts.py): start the chart worker when the bot is ready, so the first chart a command
    # asks for does not wait for a process to start and load matplotlib.
    chart_warmup: bool = Field(default=True, alias="SENTIMETER_CHART_WARMUP")
    # Back-fill (cogs/backfill.py): its progress message is edited at most every PROGRESS_SECONDS; while it
    # reads, what was read is committed (and the stored range narrowed) every CHECKPOINT_SECONDS.
    backfill_progress_seconds: float = Field(
        default=5.0, ge=0, le=3600, alias="SENTIMETER_BACKFILL_PROGRESS_SECONDS"
    )
    backfill_checkpoint_seconds: float = Field(
        default=2.0, ge=0, le=3600, alias="SENTIMETER_BACKFILL_CHECKPOINT_SECONDS"
    )
    # Shards (bot/core/shards.py): with a count, the bot runs discord.py's AutoShardedBot with these shards
    # (comma-separated ids; unset: all of them). Unset count: one connection, as Discord decides.
    shard_count: int | None = Field(default=None, alias="SENTIMETER_SHARD_COUNT")
    shard_ids: Annotated[tuple[int, ...] | None, NoDecode] = Field(default=None, alias="SENTIMETER_SHARD_IDS")

    @field_validator("shard_count", mode="before")
    @classmethod
    def _blank_count(cls, value: object) -> object:
        return None if isinstance(value, str) and not value.strip() else value

    @field_validator("shard_ids", mode="before")
    @classmethod
    def _comma_list(cls, value: object) -> object:
        if isinstance(value, str):
            parts = [part.strip() for part in value.split(",")]
            if not any(parts):
                return None
            if not all(part.isdigit() for part in parts):
                raise ValueError("must be shard ids separated by commas, e.g. 0,1")
            return tuple(int(part) for part in parts)
        return value

    @model_validator(mode="after")
    def _shards_fit(self) -> Settings:
        problem = check_shards(self.shard_count, self.shard_ids)
        if problem is not None:
            raise ValueError(problem)
        return self

    @property
    def ownership(self) -> Ownership:
        """The servers whose background work this process does (bot/core/shards.py)."""
        ids = None if self.shard_ids is None else frozenset(self.shard_ids)
        return Ownership(self.shard_count, ids)

    # issue 16: the PostgreSQL readers' connection pool (per bot process; SQLite ignores it)
    database_pool_size: int = Field(default=10, ge=1, le=1000, alias="SENTIMETER_DATABASE_POOL_SIZE")

    @field_validator("database", mode="before")
    @classmethod
    def _database_text(cls, value: object) -> object:
        if isinstance(value, os.PathLike):
            return os.fspath(value)
        if isinstance(value, str) and not value.strip():
            raise ValueError("must be a SQLite file path or a postgresql:// URL")
        return value.strip() if isinstance(value, str) else value

    @field_validator(
        "discord_token", "dev_guild_id", "api_base_url", "gateway_url", "scoring_workers", mode="before"
    )
    @classmethod
    def _blank_is_unset(cls, value: object) -> object:
        if isinstance(value, str) and not value.strip():
            return None
        return value.strip() if isinstance(value, str) else value

    @field_validator("log_level")
    @classmethod
    def _known_level(cls, value: str) -> str:
        level = value.strip().upper()
        if level not in {"DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"}:
            raise ValueError("must be one of DEBUG, INFO, WARNING, ERROR, CRITICAL")
        return level

    @property
    def effective_scoring_workers(self) -> int:
        """SENTIMETER_SCORING_WORKERS, or the number of CPU cores this process may use when it is unset."""
        if self.scoring_workers is not None:
            return self.scoring_workers
        try:
            return max(1, len(os.sched_getaffinity(0)))
        except AttributeError:  # not on Linux
            return max(1, os.cpu_count() or 1)

    def require_token(self) -> str:
        if self.discord_token is None or not self.discord_token.get_secret_value():
            raise StartupError(
                "No Discord token: set DISCORD_TOKEN in the environment or in a .env file "
                "(copy .env.example to .env; the token is under Developer Portal → your application → Bot)."
            )
        return self.discord_token.get_secret_value()


def load_settings(**overrides: object) -> Settings:
    """Read the settings, turning validation problems into one-line start-up errors."""
    try:
        return Settings(**overrides)  # type: ignore[arg-type]
    except ValidationError as exc:
        first = exc.errors()[0]
        message = first.get("msg", "invalid value")
        if not first.get("loc"):  # a check across settings names them itself
            raise StartupError(f"Invalid settings: {message.removeprefix('Value error, ')}") from None
        name = first["loc"][0]
        raise StartupError(f"Invalid setting {name}: {message}") from None
