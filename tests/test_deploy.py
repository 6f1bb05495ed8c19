"""The deployment files (Dockerfile, .dockerignore, compose.yaml, the systemd units) say what README
"Running at scale" promises, and `sentimeter healthcheck`, which the container and the unit rely on, works.
No Docker engine runs here: the files are read, and every command they run is parsed by the real CLI."""

from __future__ import annotations

import configparser
import fnmatch
import re
import shlex
import sqlite3
from pathlib import Path
from typing import Any

import pytest
import yaml

from bot.cli import _parser
from bot.storage.sqlite import SQLiteStorage
from tests.conftest import REPO_ROOT
from tests.test_cli import run_cli
from tests.test_cli_errors import closed_port, one_error_line

SECRET = re.compile(r"TOKEN|PASSWORD|SECRET|PGPASS", re.IGNORECASE)


def dockerfile() -> list[tuple[str, str]]:
    """(INSTRUCTION, arguments) per instruction, continuation lines joined, comments dropped."""
    text = (REPO_ROOT / "Dockerfile").read_text()
    text = re.sub(r"\\\n", " ", "\n".join(ln for ln in text.splitlines() if not ln.lstrip().startswith("#")))
    return [(ln.split(None, 1)[0].upper(), ln.split(None, 1)[1]) for ln in text.splitlines() if ln.strip()]


def final_stage() -> list[tuple[str, str]]:
    steps = dockerfile()
    last_from = max(i for i, (op, _) in enumerate(steps) if op == "FROM")
    return steps[last_from:]


def compose() -> dict[str, Any]:
    data = yaml.safe_load((REPO_ROOT / "compose.yaml").read_text())
    assert isinstance(data, dict)
    return data


def test_the_image_is_python_slim_and_runs_as_an_unprivileged_user() -> None:
    stage = final_stage()
    assert stage[0] == ("FROM", "python:3.11-slim")
    users = [args.strip() for op, args in stage if op == "USER"]
    assert users and users[-1] not in ("root", "0", "0:0")
    # the user is in force for what the container runs: no USER root after it
    last_user = max(i for i, (op, _) in enumerate(stage) if op == "USER")
    assert all(op != "RUN" for op, _ in stage[last_user:]), "RUN after USER: a step ran as the bot's user?"
    entry = [args for op, args in stage if op in ("ENTRYPOINT", "CMD")]
    assert entry == ['["sentimeter"]', '["run"]']


def test_no_build_tools_or_secrets_in_the_image() -> None:
    steps = dockerfile()
    final = final_stage()
    assert any(op == "RUN" and "pip wheel" in args and args.rstrip().endswith(" .") for op, args in steps)
    assert all("apt-get" not in args for op, args in final if op == "RUN"), "build tools in the final image"
    assert any(op == "RUN" and "--no-index" in args for op, args in final), "the final stage must not build"
    for op, args in steps:
        if op in ("ENV", "ARG", "LABEL"):
            assert not SECRET.search(args), f"{op} {args}: secrets come from the environment at run time"


def test_the_healthcheck_is_a_real_command_of_the_cli() -> None:
    checks = [args for op, args in final_stage() if op == "HEALTHCHECK"]
    assert len(checks) == 1
    command = checks[0].split("CMD", 1)[1].strip()
    argv = yaml.safe_load(command)  # the exec form is a JSON list
    assert argv[0] == "sentimeter"
    args = _parser().parse_args(argv[1:])
    assert args.command == "healthcheck"


def test_the_build_context_holds_what_the_dockerfile_copies_and_nothing_secret() -> None:
    lines = [ln.strip() for ln in (REPO_ROOT / ".dockerignore").read_text().splitlines()]
    patterns = [ln for ln in lines if ln and not ln.startswith("#")]

    def included(path: str) -> bool:  # Docker's rule: the last matching pattern wins
        keep = True
        for pattern in patterns:
            negate = pattern.startswith("!")
            body = pattern[1:] if negate else pattern
            body = body.rstrip("/")
            name = path.rsplit("/", 1)[-1]
            anywhere = body.startswith("**/") and fnmatch.fnmatch(name, body[3:])
            if anywhere or fnmatch.fnmatch(path, body) or fnmatch.fnmatch(path, f"{body}/*"):
                keep = negate
        return keep

    copied = [args.split()[:-1] for op, args in dockerfile() if op == "COPY" and "--from" not in args]
    for sources in copied:
        for source in sources:
            assert included(source.rstrip("/")), f"COPY {source}: excluded by .dockerignore"
    for secret in (".env", "data/sentimeter.db", "bot/.env", ".git/config", ".venv/bin/python", "tests/x.py"):
        assert not included(secret), f"{secret} would be sent to the Docker daemon"


def test_compose_bot_waits_for_a_healthy_postgres_with_a_volume() -> None:
    data = compose()
    services = data["services"]
    pg, bot = services["postgres"], services["bot"]
    assert pg["image"].startswith("postgres:16")
    assert "pg_isready" in " ".join(pg["healthcheck"]["test"])
    assert bot["depends_on"]["postgres"]["condition"] == "service_healthy"
    for service in (pg, bot):
        assert service["restart"] in ("unless-stopped", "always", "on-failure")
    pg_volume = pg["volumes"][0].split(":")
    assert pg_volume[1] == "/var/lib/postgresql/data"
    assert pg_volume[0] in data["volumes"], "a named volume, kept by `docker compose down`"
    grace = bot["stop_grace_period"]
    assert grace.endswith("s") and int(grace[:-1]) >= 60


def test_compose_keeps_secrets_in_the_env_file() -> None:
    services = compose()["services"]
    assert services["bot"]["env_file"] == ".env"  # DISCORD_TOKEN is there, never in compose.yaml
    for name, service in services.items():
        for key, value in service.get("environment", {}).items():
            if SECRET.search(key):
                assert re.fullmatch(r"\$\{[A-Z_]+(:?[?-][^}]*)?\}", str(value)), f"{name}.{key} is inline"
    url = services["bot"]["environment"]["SENTIMETER_DATABASE"]
    assert url.startswith("postgresql://")
    userinfo = url.split("://", 1)[1].split("@", 1)[0]
    assert ":" not in userinfo, "the password belongs in PGPASSWORD, not in the URL"
    assert all("DISCORD_TOKEN" not in service.get("environment", {}) for service in services.values())


def test_the_systemd_units_run_real_commands() -> None:
    def unit(name: str) -> configparser.ConfigParser:
        parser = configparser.ConfigParser(strict=False, interpolation=None)
        parser.optionxform = str  # type: ignore[assignment,method-assign]
        parser.read(REPO_ROOT / "docs" / name)
        return parser

    main, dropin = unit("sentimeter.service"), unit("sentimeter-postgres.conf")
    assert main["Service"]["User"] != "root"
    for command in (main["Service"]["ExecStart"], dropin["Service"]["ExecStartPre"]):
        argv = shlex.split(command)
        assert argv[0].endswith("/sentimeter")
        _parser().parse_args(argv[1:])
    assert "postgresql.service" in dropin["Unit"]["After"]
    assert shlex.split(dropin["Service"]["ExecStartPre"])[1] == "healthcheck"


# -- sentimeter healthcheck ----------------------------------------------------------------------------------


async def test_healthcheck_passes_on_a_database_the_bot_made(tmp_path: Path) -> None:
    db = tmp_path / "s.db"
    async with SQLiteStorage.open(db):
        pass
    version = sqlite3.connect(db).execute("PRAGMA user_version").fetchone()[0]
    result = run_cli("healthcheck", env={"SENTIMETER_DATABASE": str(db)})
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == f"database answers (SQLite {db}, schema version {version})"


@pytest.mark.parametrize("content", [None, b"this is not a database, only some text" * 100])
def test_healthcheck_fails_in_one_line_on_a_missing_or_broken_database(
    tmp_path: Path, content: bytes | None
) -> None:
    db = tmp_path / "s.db"
    if content is not None:
        db.write_bytes(content)
    result = run_cli("healthcheck", "--database", str(db))
    assert result.returncode == 1
    line = one_error_line(result)
    assert str(db) in line
    assert db.exists() == (content is not None), "a health check never creates a database"


def test_healthcheck_on_an_unreachable_postgres_is_one_line_without_the_password() -> None:
    url = f"postgresql://sentimeter:hunter2-secret@127.0.0.1:{closed_port()}/sentimeter"
    result = run_cli("healthcheck", "--database", url, "--timeout", "5")
    assert result.returncode == 1
    line = one_error_line(result)
    assert "does not answer" in line and "127.0.0.1" in line
    assert "hunter2" not in result.stderr + result.stdout


def test_healthcheck_passes_on_a_postgres_that_answers(postgres_url: str) -> None:
    """The URL without a password and the password in PGPASSWORD, as compose.yaml passes them."""
    result = run_cli("healthcheck", env={"SENTIMETER_DATABASE": postgres_url, "PGPASSWORD": "unused-here"})
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("database answers (PostgreSQL ")
