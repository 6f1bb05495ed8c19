-- Sentimeter schema, version 2: the language split in the roll-ups, and threads counted under their parent.
-- Applied in one transaction by bot/storage/sqlite.py:migrate; existing data is backfilled here.
--
-- 1. Language counts. The channel/guild hour/day roll-ups gain lang_en, lang_id, lang_mixed, lang_other: per
--    bucket, the number of SCORED, NON-SPAM messages whose detected language is "en", "id", "mixed", or
--    anything else ("unknown", or no language recorded). Same population as the sentiment mix, so
--    lang_en + lang_id + lang_mixed + lang_other = positive + neutral + negative in every row. The presence
--    table (member statistics) does not carry them.
--
-- 2. Threads under their parent. channel_parents maps a thread (or forum post) to its parent channel, learned
--    from the first stored message that carries parent_channel_id. For a parent P:
--      - thread_hour / thread_day hold, per bucket, the sum over P's threads (the same vector as channel_*),
--        so "P including its threads" = channel_* rows of P + thread_* rows of P, whatever the thread count;
--      - presence rows of scope P count P's own messages AND its threads' messages (a thread T keeps its own
--        scope-T rows too), so distinct active authors of "P including its threads" stay exact and cheap.
--    One level only: a channel that is a parent is never recorded as a child, and the reverse.

ALTER TABLE channel_hour ADD COLUMN lang_en    INTEGER NOT NULL DEFAULT 0;
ALTER TABLE channel_hour ADD COLUMN lang_id    INTEGER NOT NULL DEFAULT 0;
ALTER TABLE channel_hour ADD COLUMN lang_mixed INTEGER NOT NULL DEFAULT 0;
ALTER TABLE channel_hour ADD COLUMN lang_other INTEGER NOT NULL DEFAULT 0;
ALTER TABLE channel_day ADD COLUMN lang_en    INTEGER NOT NULL DEFAULT 0;
ALTER TABLE channel_day ADD COLUMN lang_id    INTEGER NOT NULL DEFAULT 0;
ALTER TABLE channel_day ADD COLUMN lang_mixed INTEGER NOT NULL DEFAULT 0;
ALTER TABLE channel_day ADD COLUMN lang_other INTEGER NOT NULL DEFAULT 0;
ALTER TABLE guild_hour ADD COLUMN lang_en    INTEGER NOT NULL DEFAULT 0;
ALTER TABLE guild_hour ADD COLUMN lang_id    INTEGER NOT NULL DEFAULT 0;
ALTER TABLE guild_hour ADD COLUMN lang_mixed INTEGER NOT NULL DEFAULT 0;
ALTER TABLE guild_hour ADD COLUMN lang_other INTEGER NOT NULL DEFAULT 0;
ALTER TABLE guild_day ADD COLUMN lang_en    INTEGER NOT NULL DEFAULT 0;
ALTER TABLE guild_day ADD COLUMN lang_id    INTEGER NOT NULL DEFAULT 0;
ALTER TABLE guild_day ADD COLUMN lang_mixed INTEGER NOT NULL DEFAULT 0;
ALTER TABLE guild_day ADD COLUMN lang_other INTEGER NOT NULL DEFAULT 0;

-- scored non-spam messages per (guild, channel, hour) by language
CREATE TEMP TABLE mig_lang (
    guild_id   BIGINT  NOT NULL,
    channel_id BIGINT  NOT NULL,
    hour       BIGINT  NOT NULL,
    en         INTEGER NOT NULL,
    id_        INTEGER NOT NULL,
    mixed      INTEGER NOT NULL,
    other      INTEGER NOT NULL,
    PRIMARY KEY (guild_id, channel_id, hour)
) WITHOUT ROWID;
INSERT INTO mig_lang
SELECT guild_id, channel_id, created_at - created_at % 3600,
       sum(CASE WHEN language = 'en' THEN 1 ELSE 0 END),
       sum(CASE WHEN language = 'id' THEN 1 ELSE 0 END),
       sum(CASE WHEN language = 'mixed' THEN 1 ELSE 0 END),
       sum(CASE WHEN language IN ('en', 'id', 'mixed') THEN 0 ELSE 1 END)
FROM messages WHERE scored <> 0 AND is_spam = 0
GROUP BY 1, 2, 3;

CREATE TEMP TABLE mig_lang_cd (
    guild_id BIGINT, channel_id BIGINT, day BIGINT, en INTEGER, id_ INTEGER, mixed INTEGER, other INTEGER,
    PRIMARY KEY (guild_id, channel_id, day)
) WITHOUT ROWID;
INSERT INTO mig_lang_cd
SELECT guild_id, channel_id, hour - hour % 86400, sum(en), sum(id_), sum(mixed), sum(other)
FROM mig_lang GROUP BY 1, 2, 3;

CREATE TEMP TABLE mig_lang_gh (
    guild_id BIGINT, hour BIGINT, en INTEGER, id_ INTEGER, mixed INTEGER, other INTEGER,
    PRIMARY KEY (guild_id, hour)
) WITHOUT ROWID;
INSERT INTO mig_lang_gh
SELECT guild_id, hour, sum(en), sum(id_), sum(mixed), sum(other) FROM mig_lang GROUP BY 1, 2;

CREATE TEMP TABLE mig_lang_gd (
    guild_id BIGINT, day BIGINT, en INTEGER, id_ INTEGER, mixed INTEGER, other INTEGER,
    PRIMARY KEY (guild_id, day)
) WITHOUT ROWID;
INSERT INTO mig_lang_gd
SELECT guild_id, day, sum(en), sum(id_), sum(mixed), sum(other) FROM mig_lang_cd GROUP BY 1, 2;

UPDATE channel_hour SET (lang_en, lang_id, lang_mixed, lang_other) = (
    SELECT en, id_, mixed, other FROM mig_lang l
    WHERE l.guild_id = channel_hour.guild_id AND l.channel_id = channel_hour.channel_id
      AND l.hour = channel_hour.hour)
WHERE (guild_id, channel_id, hour) IN (SELECT guild_id, channel_id, hour FROM mig_lang);

UPDATE channel_day SET (lang_en, lang_id, lang_mixed, lang_other) = (
    SELECT en, id_, mixed, other FROM mig_lang_cd l
    WHERE l.guild_id = channel_day.guild_id AND l.channel_id = channel_day.channel_id
      AND l.day = channel_day.day)
WHERE (guild_id, channel_id, day) IN (SELECT guild_id, channel_id, day FROM mig_lang_cd);

UPDATE guild_hour SET (lang_en, lang_id, lang_mixed, lang_other) = (
    SELECT en, id_, mixed, other FROM mig_lang_gh l
    WHERE l.guild_id = guild_hour.guild_id AND l.hour = guild_hour.hour)
WHERE (guild_id, hour) IN (SELECT guild_id, hour FROM mig_lang_gh);

UPDATE guild_day SET (lang_en, lang_id, lang_mixed, lang_other) = (
    SELECT en, id_, mixed, other FROM mig_lang_gd l
    WHERE l.guild_id = guild_day.guild_id AND l.day = guild_day.day)
WHERE (guild_id, day) IN (SELECT guild_id, day FROM mig_lang_gd);

DROP TABLE mig_lang;
DROP TABLE mig_lang_cd;
DROP TABLE mig_lang_gh;
DROP TABLE mig_lang_gd;

-- thread (or forum post) -> parent channel
CREATE TABLE channel_parents (
    guild_id   BIGINT NOT NULL,
    channel_id BIGINT NOT NULL,
    parent_id  BIGINT NOT NULL,
    PRIMARY KEY (guild_id, channel_id)
) WITHOUT ROWID;
CREATE INDEX channel_parents_by_parent ON channel_parents (guild_id, parent_id, channel_id);

-- per parent channel per hour / per day: the sum over its threads
CREATE TABLE thread_hour (
    guild_id    BIGINT  NOT NULL,
    parent_id   BIGINT  NOT NULL,
    hour        BIGINT  NOT NULL,
    messages    INTEGER NOT NULL,
    replies     INTEGER NOT NULL,
    reactions   INTEGER NOT NULL,
    positive    INTEGER NOT NULL,
    neutral     INTEGER NOT NULL,
    negative    INTEGER NOT NULL,
    spam        INTEGER NOT NULL,
    compound_e4 BIGINT  NOT NULL,
    lang_en     INTEGER NOT NULL DEFAULT 0,
    lang_id     INTEGER NOT NULL DEFAULT 0,
    lang_mixed  INTEGER NOT NULL DEFAULT 0,
    lang_other  INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (guild_id, parent_id, hour)
) WITHOUT ROWID;
CREATE INDEX thread_hour_by_time ON thread_hour (guild_id, hour, parent_id, messages);

CREATE TABLE thread_day (
    guild_id    BIGINT  NOT NULL,
    parent_id   BIGINT  NOT NULL,
    day         BIGINT  NOT NULL,
    messages    INTEGER NOT NULL,
    replies     INTEGER NOT NULL,
    reactions   INTEGER NOT NULL,
    positive    INTEGER NOT NULL,
    neutral     INTEGER NOT NULL,
    negative    INTEGER NOT NULL,
    spam        INTEGER NOT NULL,
    compound_e4 BIGINT  NOT NULL,
    lang_en     INTEGER NOT NULL DEFAULT 0,
    lang_id     INTEGER NOT NULL DEFAULT 0,
    lang_mixed  INTEGER NOT NULL DEFAULT 0,
    lang_other  INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (guild_id, parent_id, day)
) WITHOUT ROWID;
CREATE INDEX thread_day_by_time ON thread_day (guild_id, day, parent_id, messages);

-- backfill: one parent per thread (the smallest seen); a channel that is some candidate's parent is not
-- recorded as a child (one level only)
CREATE TEMP TABLE mig_candidates AS
SELECT guild_id, channel_id, min(parent_channel_id) AS parent_id
FROM messages
WHERE parent_channel_id IS NOT NULL AND parent_channel_id > 0 AND parent_channel_id <> channel_id
GROUP BY guild_id, channel_id;
INSERT INTO channel_parents (guild_id, channel_id, parent_id)
SELECT c.guild_id, c.channel_id, c.parent_id FROM mig_candidates c
WHERE NOT EXISTS (
    SELECT 1 FROM mig_candidates p WHERE p.guild_id = c.guild_id AND p.parent_id = c.channel_id
);
DROP TABLE mig_candidates;

INSERT INTO thread_hour (guild_id, parent_id, hour, messages, replies, reactions, positive, neutral, negative,
    spam, compound_e4, lang_en, lang_id, lang_mixed, lang_other)
SELECT cp.guild_id, cp.parent_id, h.hour,
       sum(h.messages), sum(h.replies), sum(h.reactions), sum(h.positive), sum(h.neutral), sum(h.negative),
       sum(h.spam), sum(h.compound_e4), sum(h.lang_en), sum(h.lang_id), sum(h.lang_mixed), sum(h.lang_other)
FROM channel_hour h JOIN channel_parents cp ON cp.guild_id = h.guild_id AND cp.channel_id = h.channel_id
GROUP BY cp.guild_id, cp.parent_id, h.hour;

INSERT INTO thread_day (guild_id, parent_id, day, messages, replies, reactions, positive, neutral, negative,
    spam, compound_e4, lang_en, lang_id, lang_mixed, lang_other)
SELECT cp.guild_id, cp.parent_id, h.day,
       sum(h.messages), sum(h.replies), sum(h.reactions), sum(h.positive), sum(h.neutral), sum(h.negative),
       sum(h.spam), sum(h.compound_e4), sum(h.lang_en), sum(h.lang_id), sum(h.lang_mixed), sum(h.lang_other)
FROM channel_day h JOIN channel_parents cp ON cp.guild_id = h.guild_id AND cp.channel_id = h.channel_id
GROUP BY cp.guild_id, cp.parent_id, h.day;

-- presence of every parent scope: its own rows plus its threads' rows, with prev_hour / gap_class recomputed
-- (gap_class = floor(log2(gap in hours)), -1 for an author's first hour in the scope; see _presence.py)
CREATE TEMP TABLE mig_family (
    guild_id  BIGINT  NOT NULL,
    author_id BIGINT  NOT NULL,
    scope_id  BIGINT  NOT NULL,
    hour      BIGINT  NOT NULL,
    messages  INTEGER NOT NULL,
    PRIMARY KEY (guild_id, author_id, scope_id, hour)
) WITHOUT ROWID;
INSERT INTO mig_family
SELECT guild_id, author_id, scope_id, hour, sum(messages) FROM (
    SELECT p.guild_id, p.author_id, p.scope_id, p.hour, p.messages
    FROM presence p
    WHERE EXISTS (
        SELECT 1 FROM channel_parents cp WHERE cp.guild_id = p.guild_id AND cp.parent_id = p.scope_id
    )
    UNION ALL
    SELECT p.guild_id, p.author_id, cp.parent_id, p.hour, p.messages
    FROM presence p JOIN channel_parents cp ON cp.guild_id = p.guild_id AND cp.channel_id = p.scope_id
)
GROUP BY 1, 2, 3, 4;

DELETE FROM presence
WHERE EXISTS (
    SELECT 1 FROM channel_parents cp
    WHERE cp.guild_id = presence.guild_id AND cp.parent_id = presence.scope_id
);

INSERT INTO presence (guild_id, author_id, scope_id, hour, messages, replies, reactions, positive, neutral,
                      negative, spam, compound_e4, prev_hour, gap_class)
SELECT guild_id, author_id, scope_id, hour, messages, 0, 0, 0, 0, 0, 0, 0, prev_hour,
       CASE WHEN prev_hour IS NULL THEN -1 ELSE
           (gap >= 2) + (gap >= 4) + (gap >= 8) + (gap >= 16) + (gap >= 32) + (gap >= 64) + (gap >= 128) +
           (gap >= 256) + (gap >= 512) + (gap >= 1024) + (gap >= 2048) + (gap >= 4096) + (gap >= 8192) +
           (gap >= 16384) + (gap >= 32768) + (gap >= 65536) + (gap >= 131072) + (gap >= 262144) +
           (gap >= 524288) + (gap >= 1048576) + (gap >= 2097152) + (gap >= 4194304) + (gap >= 8388608) +
           (gap >= 16777216) + (gap >= 33554432) + (gap >= 67108864) + (gap >= 134217728) +
           (gap >= 268435456) + (gap >= 536870912) + (gap >= 1073741824)
       END
FROM (
    SELECT guild_id, author_id, scope_id, hour, messages, prev_hour, (hour - prev_hour) / 3600 AS gap
    FROM (
        SELECT f.*, lag(hour) OVER (PARTITION BY guild_id, author_id, scope_id ORDER BY hour) AS prev_hour
        FROM mig_family f
    )
);
DROP TABLE mig_family;
