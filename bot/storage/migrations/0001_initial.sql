-- Sentimeter schema, version 1.
--
-- Portable on purpose: plain integer/real/text columns, ids are Discord snowflakes (BIGINT), times are unix
-- seconds (UTC). A PostgreSQL port keeps the same tables; only the SQLite storage hints change
-- ("INTEGER PRIMARY KEY" rowid aliases become BIGINT / BIGSERIAL keys, "WITHOUT ROWID" is dropped).
--
-- Statistic columns shared by every roll-up ("the vector"):
--   messages, replies, reactions, positive, neutral, negative, spam, compound_e4
-- compound_e4 is the sum of round(compound * 10000) over scored, non-spam messages: integer arithmetic keeps
-- the sums exact under any number of additions and removals.

-- One row per counted message. Never holds the text (privacy): ids, times, scores, counters only.
CREATE TABLE messages (
    message_id        INTEGER PRIMARY KEY,          -- snowflake (BIGINT PRIMARY KEY in PostgreSQL)
    guild_id          BIGINT   NOT NULL,
    channel_id        BIGINT   NOT NULL,
    author_id         BIGINT   NOT NULL,
    created_at        BIGINT   NOT NULL,
    reply_to_id       BIGINT,
    parent_channel_id BIGINT,
    scored            SMALLINT NOT NULL,
    compound          REAL     NOT NULL,
    pos               REAL     NOT NULL,
    neu               REAL     NOT NULL,
    neg               REAL     NOT NULL,
    language          TEXT,
    is_spam           SMALLINT NOT NULL,
    reactions         INTEGER  NOT NULL DEFAULT 0,  -- current reaction count
    replies           INTEGER  NOT NULL DEFAULT 0   -- stored messages that reply to this one
);

-- Per channel per hour / per day (bucket = unix seconds of the bucket's start).
CREATE TABLE channel_hour (
    guild_id    BIGINT  NOT NULL,
    channel_id  BIGINT  NOT NULL,
    hour        BIGINT  NOT NULL,
    messages    INTEGER NOT NULL,
    replies     INTEGER NOT NULL,
    reactions   INTEGER NOT NULL,
    positive    INTEGER NOT NULL,
    neutral     INTEGER NOT NULL,
    negative    INTEGER NOT NULL,
    spam        INTEGER NOT NULL,
    compound_e4 BIGINT  NOT NULL,
    PRIMARY KEY (guild_id, channel_id, hour)
) WITHOUT ROWID;
CREATE INDEX channel_hour_by_time ON channel_hour (guild_id, hour, channel_id, messages);

CREATE TABLE channel_day (
    guild_id    BIGINT  NOT NULL,
    channel_id  BIGINT  NOT NULL,
    day         BIGINT  NOT NULL,
    messages    INTEGER NOT NULL,
    replies     INTEGER NOT NULL,
    reactions   INTEGER NOT NULL,
    positive    INTEGER NOT NULL,
    neutral     INTEGER NOT NULL,
    negative    INTEGER NOT NULL,
    spam        INTEGER NOT NULL,
    compound_e4 BIGINT  NOT NULL,
    PRIMARY KEY (guild_id, channel_id, day)
) WITHOUT ROWID;
CREATE INDEX channel_day_by_time ON channel_day (guild_id, day, channel_id, messages);

-- The same for the whole server, so server-wide periods read one row per hour/day instead of one per channel.
CREATE TABLE guild_hour (
    guild_id    BIGINT  NOT NULL,
    hour        BIGINT  NOT NULL,
    messages    INTEGER NOT NULL,
    replies     INTEGER NOT NULL,
    reactions   INTEGER NOT NULL,
    positive    INTEGER NOT NULL,
    neutral     INTEGER NOT NULL,
    negative    INTEGER NOT NULL,
    spam        INTEGER NOT NULL,
    compound_e4 BIGINT  NOT NULL,
    PRIMARY KEY (guild_id, hour)
) WITHOUT ROWID;

CREATE TABLE guild_day (
    guild_id    BIGINT  NOT NULL,
    day         BIGINT  NOT NULL,
    messages    INTEGER NOT NULL,
    replies     INTEGER NOT NULL,
    reactions   INTEGER NOT NULL,
    positive    INTEGER NOT NULL,
    neutral     INTEGER NOT NULL,
    negative    INTEGER NOT NULL,
    spam        INTEGER NOT NULL,
    compound_e4 BIGINT  NOT NULL,
    PRIMARY KEY (guild_id, day)
) WITHOUT ROWID;

-- Author presence: one row per (author, scope, hour) with at least one message. scope_id 0 = the whole
-- server (these rows carry the full vector: member statistics), otherwise a channel id (these rows count
-- messages only: channel active members, a member's top channels).
--
-- prev_hour is the author's previous active hour in the same scope (NULL for the first) and gap_class is
-- floor(log2((hour - prev_hour) / 3600)) (-1 for the first). Distinct authors active in [s, e) are the rows
-- in [s, e) whose prev_hour is before s (each author's first row in the range): the gap_class index finds
-- them by seeking, per class k, only prev_hour in [s - (2^(k+1) - 1) h, s) -- at most two rows per author and
-- class -- so an exact count never scans every row of a long range. See bot/storage/_presence.py.
-- The primary key is time-major so that a batch's writes land on the few pages of the current hours (an
-- author's later messages in the same hour only update that row); the by-author index is touched only when
-- an author's first message of an hour arrives.
CREATE TABLE presence (
    guild_id    BIGINT   NOT NULL,
    author_id   BIGINT   NOT NULL,
    scope_id    BIGINT   NOT NULL,
    hour        BIGINT   NOT NULL,
    messages    INTEGER  NOT NULL,
    replies     INTEGER  NOT NULL,
    reactions   INTEGER  NOT NULL,
    positive    INTEGER  NOT NULL,
    neutral     INTEGER  NOT NULL,
    negative    INTEGER  NOT NULL,
    spam        INTEGER  NOT NULL,
    compound_e4 BIGINT   NOT NULL,
    prev_hour   BIGINT,
    gap_class   SMALLINT NOT NULL,
    PRIMARY KEY (guild_id, scope_id, hour, author_id)
) WITHOUT ROWID;
CREATE INDEX presence_by_author ON presence (guild_id, scope_id, author_id, hour);
CREATE INDEX presence_gaps ON presence (guild_id, scope_id, gap_class, prev_hour, hour);

-- Newest stored message id per channel (catch-up after downtime).
CREATE TABLE channel_cursors (
    guild_id        BIGINT NOT NULL,
    channel_id      BIGINT NOT NULL,
    last_message_id BIGINT NOT NULL,
    PRIMARY KEY (guild_id, channel_id)
);

-- Flags: the only place message text is kept, and only until the message is deleted.
CREATE TABLE flags (
    id                INTEGER PRIMARY KEY AUTOINCREMENT,  -- BIGSERIAL in PostgreSQL
    guild_id          BIGINT NOT NULL,
    channel_id        BIGINT NOT NULL,
    message_id        BIGINT NOT NULL,
    author_id         BIGINT NOT NULL,
    kind              TEXT   NOT NULL,
    status            TEXT   NOT NULL,
    text              TEXT,
    compound          REAL,
    reason            TEXT,
    created_at        BIGINT NOT NULL,
    resolved_at       BIGINT,
    resolved_by       BIGINT,
    review_channel_id BIGINT,
    review_message_id BIGINT
);
CREATE INDEX flags_by_status ON flags (guild_id, status, id);
CREATE INDEX flags_by_message ON flags (guild_id, message_id);
CREATE INDEX flags_by_time ON flags (guild_id, created_at);
CREATE UNIQUE INDEX flags_one_open ON flags (guild_id, message_id) WHERE status = 'open';

-- Per-server settings. threshold NULL = follow the built-in default.
CREATE TABLE guild_config (
    guild_id             BIGINT PRIMARY KEY,
    threshold            REAL,
    review_channel_id    BIGINT,
    language             TEXT,
    spam_action          TEXT    NOT NULL DEFAULT 'review',
    spam_timeout_minutes INTEGER NOT NULL DEFAULT 60
);

CREATE TABLE exempt_channels (
    guild_id   BIGINT NOT NULL,
    channel_id BIGINT NOT NULL,
    PRIMARY KEY (guild_id, channel_id)
);

CREATE TABLE exempt_roles (
    guild_id BIGINT NOT NULL,
    role_id  BIGINT NOT NULL,
    PRIMARY KEY (guild_id, role_id)
);

CREATE TABLE lexicon (
    guild_id BIGINT NOT NULL,
    word     TEXT   NOT NULL,
    valence  REAL   NOT NULL,
    PRIMARY KEY (guild_id, word)
);
