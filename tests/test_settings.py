from __future__ import annotations

from pathlib import Path

import pytest

from bot.core.errors import StartupError
from bot.settings import Settings, load_settings


@pytest.fixture(autouse=True)
def clean_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    for name in ("DISCORD_TOKEN", "SENTIMETER_DATABASE", "SENTIMETER_DEV_GUILD_ID", "SENTIMETER_LOG_LEVEL"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.chdir(tmp_path)  # no stray .env


def test_defaults() -> None:
    settings = load_settings()
    assert settings.database == "data/sentimeter.db"  # a SQLite file (a postgresql:// URL: PostgreSQL)
    assert settings.database_pool_size == 10
    assert settings.log_level == "INFO"
    assert settings.dev_guild_id is None
    with pytest.raises(StartupError, match="DISCORD_TOKEN"):
        settings.require_token()


def test_token_is_secret_in_every_representation(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DISCORD_TOKEN", "MTIz.secret-token-value")
    settings = load_settings()
    assert settings.require_token() == "MTIz.secret-token-value"
    for text in (repr(settings), str(settings), str(settings.model_dump())):
        assert "secret-token-value" not in text


def test_dotenv_file_is_read(tmp_path: Path) -> None:
    (tmp_path / ".env").write_text(
        "SENTIMETER_DEV_GUILD_ID=123\nSENTIMETER_LOG_LEVEL=debug\nDISCORD_TOKEN=\n"
    )
    settings = Settings()
    assert settings.dev_guild_id == 123
    assert settings.log_level == "DEBUG"
    assert settings.discord_token is None


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("SENTIMETER_DEV_GUILD_ID", "not-a-number"),
        ("SENTIMETER_LOG_LEVEL", "LOUD"),
        ("SENTIMETER_QUEUE_SIZE", "0"),
        ("SENTIMETER_SHARD_COUNT", "two"),
        ("SENTIMETER_SHARD_IDS", "0;1"),
    ],
)
def test_bad_values_are_one_line_startup_errors(
    monkeypatch: pytest.MonkeyPatch, name: str, value: str
) -> None:
    monkeypatch.setenv(name, value)
    with pytest.raises(StartupError) as info:
        load_settings()
    assert name in str(info.value)
    assert "\n" not in str(info.value)


# -- shards (issue 16) -----------------------------------------------------------------------------------


def test_shards_default_to_unsharded_and_read_comma_separated_ids(monkeypatch: pytest.MonkeyPatch) -> None:
    settings = load_settings()
    assert (settings.shard_count, settings.shard_ids) == (None, None)
    assert settings.ownership.owns(12345 << 22)
    monkeypatch.setenv("SENTIMETER_SHARD_COUNT", "4")
    monkeypatch.setenv("SENTIMETER_SHARD_IDS", " 3, 1 ")
    settings = load_settings()
    assert (settings.shard_count, settings.shard_ids) == (4, (3, 1))
    assert settings.ownership.owns(3 << 22) and not settings.ownership.owns(2 << 22)
    monkeypatch.setenv("SENTIMETER_SHARD_IDS", "")  # blank: every shard
    assert load_settings().shard_ids is None


@pytest.mark.parametrize(
    ("count", "ids", "says"),
    [
        ("2", "0,2", "SENTIMETER_SHARD_IDS 2 is outside 0..1 (SENTIMETER_SHARD_COUNT)"),
        ("2", "1,1", "SENTIMETER_SHARD_IDS lists a shard twice"),
        ("0", "", "SENTIMETER_SHARD_COUNT must be at least 1"),
        ("", "0", "SENTIMETER_SHARD_IDS needs SENTIMETER_SHARD_COUNT"),
    ],
)
def test_impossible_shards_are_one_line_startup_errors(
    monkeypatch: pytest.MonkeyPatch, count: str, ids: str, says: str
) -> None:
    monkeypatch.setenv("SENTIMETER_SHARD_COUNT", count)
    monkeypatch.setenv("SENTIMETER_SHARD_IDS", ids)
    with pytest.raises(StartupError) as info:
        load_settings()
    assert str(info.value) == f"Invalid settings: {says}"


# -- issue 16: the database is a SQLite path or a PostgreSQL URL --------------------------------------------


def test_database_url_and_pool_size(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SENTIMETER_DATABASE", " postgresql://bot:pw@db:5432/sentimeter ")
    monkeypatch.setenv("SENTIMETER_DATABASE_POOL_SIZE", "25")
    settings = load_settings()
    assert settings.database == "postgresql://bot:pw@db:5432/sentimeter"
    assert settings.database_pool_size == 25
    assert load_settings(database=Path("x/y.db")).database == "x/y.db"
    monkeypatch.setenv("SENTIMETER_DATABASE_POOL_SIZE", "0")
    with pytest.raises(StartupError, match="SENTIMETER_DATABASE_POOL_SIZE"):
        load_settings()
    monkeypatch.setenv("SENTIMETER_DATABASE_POOL_SIZE", "5")
    monkeypatch.setenv("SENTIMETER_DATABASE", "  ")
    with pytest.raises(StartupError, match="SENTIMETER_DATABASE"):
        load_settings()
