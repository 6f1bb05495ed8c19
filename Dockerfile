# syntax=docker/dockerfile:1
# Sentimeter in a container. Build: docker build -t sentimeter .   Run with compose.yaml (bot + PostgreSQL), or
# alone on SQLite:  docker run -d --restart unless-stopped -e DISCORD_TOKEN -v sentimeter-data:/data sentimeter
# The token comes from the environment at run time; nothing secret is in the image.

# -- build: the project and its dependencies as wheels (pip's build tools stay in this stage) --------------------
FROM python:3.11-slim AS build
WORKDIR /src
COPY pyproject.toml README.md LICENSE ./
COPY bot ./bot
COPY cogs ./cogs
RUN python -m pip wheel --no-cache-dir --wheel-dir /wheels .

# -- run: only the installed wheels, as an unprivileged user ------------------------------------------------------
FROM python:3.11-slim
ENV PYTHONUNBUFFERED=1 \
    PYTHONDONTWRITEBYTECODE=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    MPLCONFIGDIR=/tmp/matplotlib \
    SENTIMETER_DATABASE=/data/sentimeter.db
RUN --mount=type=bind,from=build,source=/wheels,target=/wheels \
    pip install --no-cache-dir --no-index --find-links=/wheels sentimeter \
    && useradd --system --uid 10001 --user-group --home-dir /data --no-create-home sentimeter \
    && mkdir -p /data && chown sentimeter:sentimeter /data
# The SQLite database (the default) lives here; with PostgreSQL (SENTIMETER_DATABASE=postgresql://…) it stays empty.
VOLUME ["/data"]
WORKDIR /data
USER sentimeter
# Healthy when the database answers a query (SQLite: the file exists and reads; PostgreSQL: the server answers).
HEALTHCHECK --interval=30s --timeout=10s --start-period=60s --retries=3 \
    CMD ["sentimeter", "healthcheck", "--timeout", "5"]
# SIGTERM is a graceful stop (every received comment is committed first): give it a minute (compose's
# stop_grace_period, `docker stop -t 60`).
STOPSIGNAL SIGTERM
ENTRYPOINT ["sentimeter"]
CMD ["run"]
