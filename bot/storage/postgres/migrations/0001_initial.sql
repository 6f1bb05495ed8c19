-- Sentimeter's schema in PostgreSQL: the SQLite schema at its migration 0014 (bot/storage/migrations), with
-- the same tables and columns. REAL -> double precision (SQLite's REAL is 8 bytes), AUTOINCREMENT ->
-- identity, the triggers in PL/pgSQL. The largest tables are partitioned by time (monthly partitions made
-- ahead by bot/storage/postgres/partitions.py; the DEFAULT partition takes any other row).

CREATE COLLATION IF NOT EXISTS sentimeter_nocase (provider = icu, locale = 'und-u-ks-level2', deterministic = false);

CREATE TABLE messages (
    message_id        BIGINT   NOT NULL,  -- snowflake: time-ordered, the partition key
    guild_id          BIGINT   NOT NULL,
    channel_id        BIGINT   NOT NULL,
    author_id         BIGINT   NOT NULL,
    created_at        BIGINT   NOT NULL,
    reply_to_id       BIGINT,
    parent_channel_id BIGINT,
    scored            SMALLINT NOT NULL,
    compound          DOUBLE PRECISION NOT NULL,
    pos               DOUBLE PRECISION NOT NULL,
    neu               DOUBLE PRECISION NOT NULL,
    neg               DOUBLE PRECISION NOT NULL,
    language          TEXT,
    is_spam           SMALLINT NOT NULL,
    reactions         INTEGER  NOT NULL DEFAULT 0,
    replies           INTEGER  NOT NULL DEFAULT 0,
    PRIMARY KEY (message_id)
) PARTITION BY RANGE (message_id);
CREATE TABLE messages_default PARTITION OF messages DEFAULT;

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
    lang_en     INTEGER NOT NULL DEFAULT 0,
    lang_id     INTEGER NOT NULL DEFAULT 0,
    lang_mixed  INTEGER NOT NULL DEFAULT 0,
    lang_other  INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (guild_id, channel_id, hour)
) PARTITION BY RANGE (hour);
CREATE TABLE channel_hour_default PARTITION OF channel_hour DEFAULT;
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
    lang_en     INTEGER NOT NULL DEFAULT 0,
    lang_id     INTEGER NOT NULL DEFAULT 0,
    lang_mixed  INTEGER NOT NULL DEFAULT 0,
    lang_other  INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (guild_id, channel_id, day)
);
CREATE INDEX channel_day_by_time ON channel_day (guild_id, day, channel_id, messages);

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
    lang_en     INTEGER NOT NULL DEFAULT 0,
    lang_id     INTEGER NOT NULL DEFAULT 0,
    lang_mixed  INTEGER NOT NULL DEFAULT 0,
    lang_other  INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (guild_id, hour)
) PARTITION BY RANGE (hour);
CREATE TABLE guild_hour_default PARTITION OF guild_hour DEFAULT;

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
    lang_en     INTEGER NOT NULL DEFAULT 0,
    lang_id     INTEGER NOT NULL DEFAULT 0,
    lang_mixed  INTEGER NOT NULL DEFAULT 0,
    lang_other  INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (guild_id, day)
);

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
) PARTITION BY RANGE (hour);
CREATE TABLE presence_default PARTITION OF presence DEFAULT;
CREATE INDEX presence_by_author ON presence (guild_id, scope_id, author_id, hour);
CREATE INDEX presence_gaps ON presence (guild_id, scope_id, gap_class, prev_hour, hour);

CREATE TABLE channel_cursors (
    guild_id        BIGINT NOT NULL,
    channel_id      BIGINT NOT NULL,
    last_message_id BIGINT NOT NULL,
    PRIMARY KEY (guild_id, channel_id)
);

CREATE TABLE flags (
    id                BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
    guild_id          BIGINT NOT NULL,
    channel_id        BIGINT NOT NULL,
    message_id        BIGINT NOT NULL,
    author_id         BIGINT NOT NULL,
    kind              TEXT   NOT NULL,
    status            TEXT   NOT NULL,
    text              TEXT,
    compound          DOUBLE PRECISION,
    reason            TEXT,
    created_at        BIGINT NOT NULL,
    resolved_at       BIGINT,
    resolved_by       BIGINT,
    review_channel_id BIGINT,
    review_message_id BIGINT,
    topic             TEXT
);
CREATE INDEX flags_by_status ON flags (guild_id, status, id);
CREATE INDEX flags_by_message ON flags (guild_id, message_id);
CREATE INDEX flags_by_time ON flags (guild_id, created_at);
CREATE UNIQUE INDEX flags_one_open ON flags (guild_id, message_id) WHERE status = 'open';

CREATE TABLE guild_config (
    guild_id             BIGINT PRIMARY KEY,
    threshold            DOUBLE PRECISION,
    review_channel_id    BIGINT,
    language             TEXT,
    spam_action          TEXT    NOT NULL DEFAULT 'review',
    spam_timeout_minutes INTEGER NOT NULL DEFAULT 60,
    sensitivity          TEXT,
    timezone             TEXT
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
    valence  DOUBLE PRECISION NOT NULL,
    PRIMARY KEY (guild_id, word)
);

CREATE TABLE channel_parents (
    guild_id   BIGINT NOT NULL,
    channel_id BIGINT NOT NULL,
    parent_id  BIGINT NOT NULL,
    PRIMARY KEY (guild_id, channel_id)
);
CREATE INDEX channel_parents_by_parent ON channel_parents (guild_id, parent_id, channel_id);

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
) PARTITION BY RANGE (hour);
CREATE TABLE thread_hour_default PARTITION OF thread_hour DEFAULT;
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
);
CREATE INDEX thread_day_by_time ON thread_day (guild_id, day, parent_id, messages);

CREATE TABLE learning_examples (
    guild_id      BIGINT  NOT NULL,
    flag_id       BIGINT  NOT NULL,
    kind          TEXT    NOT NULL,
    label         INTEGER NOT NULL,
    features      TEXT    NOT NULL,
    shipped_logit DOUBLE PRECISION NOT NULL,
    created_at    BIGINT  NOT NULL,
    PRIMARY KEY (guild_id, flag_id)
);
CREATE INDEX learning_examples_by_time ON learning_examples (guild_id, created_at);

CREATE TABLE learned_adjustments (
    guild_id   BIGINT PRIMARY KEY,
    weights    TEXT    NOT NULL,
    cap        DOUBLE PRECISION NOT NULL,
    decisions  INTEGER NOT NULL,
    spam_floor DOUBLE PRECISION NOT NULL DEFAULT 0,
    updated_at BIGINT  NOT NULL
);

CREATE TABLE review_outbox (
    guild_id           BIGINT  NOT NULL,
    flag_id            BIGINT  NOT NULL,
    attempts           INTEGER NOT NULL DEFAULT 0,
    next_at            DOUBLE PRECISION NOT NULL DEFAULT 0,
    attempted_at       BIGINT,
    attempt_channel_id BIGINT,
    PRIMARY KEY (guild_id, flag_id)
);
CREATE INDEX review_outbox_due ON review_outbox (next_at);

CREATE TABLE catchup_gaps (
    guild_id   BIGINT NOT NULL,
    channel_id BIGINT NOT NULL,
    after_id   BIGINT NOT NULL,
    before_id  BIGINT,
    PRIMARY KEY (guild_id, channel_id, after_id)
);

CREATE TABLE privacy_opt_outs (
    guild_id   BIGINT NOT NULL,
    user_id    BIGINT NOT NULL,
    created_at BIGINT NOT NULL,
    PRIMARY KEY (guild_id, user_id)
);

CREATE TABLE privacy_settings (
    guild_id       BIGINT PRIMARY KEY,
    retention_days INTEGER NOT NULL
);

CREATE TABLE guild_removals (
    guild_id   BIGINT PRIMARY KEY,
    removed_at BIGINT NOT NULL
);

CREATE TABLE message_expiry (
    guild_id   BIGINT NOT NULL,
    channel_id BIGINT NOT NULL,
    up_to_id   BIGINT NOT NULL,
    PRIMARY KEY (guild_id, channel_id)
);
CREATE INDEX message_expiry_up_to ON message_expiry (up_to_id);

CREATE TABLE backfill_runs (
    guild_id            BIGINT PRIMARY KEY,
    started_at          INTEGER NOT NULL,
    days                INTEGER NOT NULL,
    only_channel_id     BIGINT,
    channels_total      INTEGER NOT NULL,
    messages_read       INTEGER NOT NULL DEFAULT 0,
    progress_channel_id BIGINT,
    progress_message_id BIGINT,
    locale              TEXT NOT NULL DEFAULT 'en'
);

CREATE TABLE backfill_ranges (
    guild_id   BIGINT NOT NULL,
    channel_id BIGINT NOT NULL,
    start_id   BIGINT NOT NULL,
    after_id   BIGINT NOT NULL,
    before_id  BIGINT NOT NULL,
    PRIMARY KEY (guild_id, channel_id)
);

CREATE TABLE backfill_settings (
    guild_id BIGINT PRIMARY KEY,
    max_days INTEGER NOT NULL CHECK (max_days >= 1)
);

CREATE TABLE early_reactions (
    message_id BIGINT PRIMARY KEY,
    guild_id   BIGINT  NOT NULL,
    reactions  INTEGER
);

CREATE TABLE early_reactions_since (
    since BIGINT NOT NULL
);

CREATE TABLE trend_days (
    guild_id    BIGINT NOT NULL,
    day         BIGINT NOT NULL,
    messages    INTEGER NOT NULL DEFAULT 0,
    terms_bound INTEGER NOT NULL DEFAULT 0,
    closed      INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (guild_id, day)
);

CREATE TABLE trend_terms (
    guild_id     BIGINT NOT NULL,
    day          BIGINT NOT NULL,
    term         TEXT NOT NULL,
    messages     INTEGER NOT NULL,
    compound_sum BIGINT NOT NULL,
    PRIMARY KEY (guild_id, day, term)
);

CREATE TABLE trend_settings (
    guild_id BIGINT PRIMARY KEY,
    enabled  INTEGER NOT NULL CHECK (enabled IN (0, 1))
);

CREATE TABLE campaigns (
    id         BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
    guild_id   BIGINT  NOT NULL,
    name       TEXT    COLLATE sentimeter_nocase NOT NULL,
    keywords   TEXT    NOT NULL,
    starts_at  BIGINT  NOT NULL,
    ends_at    BIGINT,
    created_at BIGINT  NOT NULL,
    UNIQUE (guild_id, name)
);

CREATE TABLE campaign_hour (
    guild_id     BIGINT  NOT NULL,
    campaign_id  BIGINT  NOT NULL,
    hour         BIGINT  NOT NULL,
    mentions     INTEGER NOT NULL,
    positive     INTEGER NOT NULL,
    neutral      INTEGER NOT NULL,
    negative     INTEGER NOT NULL,
    spam         INTEGER NOT NULL,
    compound_sum BIGINT  NOT NULL,
    PRIMARY KEY (campaign_id, hour)
);

CREATE TABLE campaign_mentions (
    message_id  BIGINT   NOT NULL,
    campaign_id BIGINT   NOT NULL,
    guild_id    BIGINT   NOT NULL,
    author_id   BIGINT   NOT NULL,
    hour        BIGINT   NOT NULL,
    label       SMALLINT NOT NULL,
    compound    INTEGER  NOT NULL,
    PRIMARY KEY (message_id, campaign_id)
);
CREATE INDEX campaign_mentions_by_campaign ON campaign_mentions (campaign_id, hour, author_id);

CREATE TABLE digest_schedules (
    guild_id           BIGINT   PRIMARY KEY,
    channel_id         BIGINT   NOT NULL,
    weekday            SMALLINT NOT NULL,
    hour               SMALLINT NOT NULL,
    slot               BIGINT   NOT NULL,
    next_at            DOUBLE PRECISION NOT NULL,
    posted_slot        BIGINT   NOT NULL DEFAULT 0,
    message_id         BIGINT,
    attempted_at       BIGINT,
    attempt_channel_id BIGINT,
    attempts           INTEGER  NOT NULL DEFAULT 0,
    warned             SMALLINT NOT NULL DEFAULT 0
);
CREATE INDEX digest_schedules_due ON digest_schedules (next_at);

-- triggers: the same rules as SQLite's migrations 0004, 0005, 0011, 0013

CREATE FUNCTION sentimeter_flags_text_forgotten() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE learning_examples
    SET features = (SELECT coalesce(json_object_agg(key, value), '{}'::json)::text
                    FROM json_each(learning_examples.features::json) WHERE key NOT LIKE 'h:%')
    WHERE guild_id = NEW.guild_id AND flag_id = NEW.id;
    RETURN NULL;
END $$;
CREATE TRIGGER learning_forget_words AFTER UPDATE OF text ON flags FOR EACH ROW
WHEN (NEW.text IS NULL AND OLD.text IS NOT NULL) EXECUTE FUNCTION sentimeter_flags_text_forgotten();

CREATE FUNCTION sentimeter_flags_deleted() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    DELETE FROM learning_examples WHERE guild_id = OLD.guild_id AND flag_id = OLD.id;
    DELETE FROM review_outbox WHERE guild_id = OLD.guild_id AND flag_id = OLD.id;
    RETURN NULL;
END $$;
CREATE TRIGGER flags_deleted AFTER DELETE ON flags FOR EACH ROW EXECUTE FUNCTION sentimeter_flags_deleted();

CREATE FUNCTION sentimeter_guild_config_deleted() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    DELETE FROM learning_examples WHERE guild_id = OLD.guild_id;
    DELETE FROM learned_adjustments WHERE guild_id = OLD.guild_id;
    RETURN NULL;
END $$;
CREATE TRIGGER learning_forget_guild AFTER DELETE ON guild_config FOR EACH ROW
EXECUTE FUNCTION sentimeter_guild_config_deleted();

CREATE FUNCTION sentimeter_review_outbox_add() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF EXISTS (SELECT 1 FROM guild_config WHERE guild_id = NEW.guild_id AND review_channel_id IS NOT NULL) THEN
        INSERT INTO review_outbox (guild_id, flag_id) VALUES (NEW.guild_id, NEW.id) ON CONFLICT DO NOTHING;
    END IF;
    RETURN NULL;
END $$;
CREATE TRIGGER review_outbox_add AFTER INSERT ON flags FOR EACH ROW
WHEN (NEW.status = 'open' AND NEW.review_message_id IS NULL
      AND NEW.created_at >= CAST(extract(epoch FROM clock_timestamp()) AS BIGINT) - 7 * 86400)
EXECUTE FUNCTION sentimeter_review_outbox_add();

CREATE FUNCTION sentimeter_review_outbox_done() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    DELETE FROM review_outbox WHERE guild_id = NEW.guild_id AND flag_id = NEW.id;
    RETURN NULL;
END $$;
CREATE TRIGGER review_outbox_posted AFTER UPDATE OF review_message_id ON flags FOR EACH ROW
WHEN (NEW.review_message_id IS NOT NULL) EXECUTE FUNCTION sentimeter_review_outbox_done();
CREATE TRIGGER review_outbox_resolved AFTER UPDATE OF status ON flags FOR EACH ROW
WHEN (NEW.status <> 'open') EXECUTE FUNCTION sentimeter_review_outbox_done();

CREATE FUNCTION sentimeter_message_deleted() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    DELETE FROM early_reactions WHERE message_id = OLD.message_id;
    UPDATE campaign_hour SET
        mentions = campaign_hour.mentions - 1,
        positive = campaign_hour.positive - (m.label = 1)::int,
        neutral = campaign_hour.neutral - (m.label = 2)::int,
        negative = campaign_hour.negative - (m.label = 3)::int,
        spam = campaign_hour.spam - (m.label = 4)::int,
        compound_sum = campaign_hour.compound_sum - m.compound
    FROM campaign_mentions m
    WHERE m.message_id = OLD.message_id AND m.campaign_id = campaign_hour.campaign_id
        AND campaign_hour.hour = OLD.created_at - OLD.created_at % 3600
        AND NOT EXISTS (SELECT 1 FROM message_expiry e WHERE e.guild_id = OLD.guild_id
                        AND e.channel_id = OLD.channel_id AND e.up_to_id >= OLD.message_id);
    DELETE FROM campaign_mentions WHERE message_id = OLD.message_id;
    RETURN NULL;
END $$;
CREATE TRIGGER message_deleted AFTER DELETE ON messages FOR EACH ROW
EXECUTE FUNCTION sentimeter_message_deleted();

CREATE FUNCTION sentimeter_message_rescored() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE campaign_mentions SET
        label = CASE WHEN NEW.is_spam <> 0 THEN 4 WHEN NEW.scored = 0 THEN 0 WHEN NEW.compound >= 0.05 THEN 1
                     WHEN NEW.compound <= -0.05 THEN 3 ELSE 2 END,
        compound = CASE WHEN NEW.is_spam <> 0 OR NEW.scored = 0 THEN 0
                        ELSE CAST(round(NEW.compound * 10000) AS INTEGER) END
    WHERE message_id = NEW.message_id;
    RETURN NULL;
END $$;
CREATE TRIGGER campaign_mentions_message_rescored AFTER UPDATE OF scored, compound, is_spam ON messages
FOR EACH ROW WHEN (OLD.scored IS DISTINCT FROM NEW.scored OR OLD.compound IS DISTINCT FROM NEW.compound
                   OR OLD.is_spam IS DISTINCT FROM NEW.is_spam)
EXECUTE FUNCTION sentimeter_message_rescored();

CREATE FUNCTION sentimeter_mention_relabelled() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE campaign_hour SET
        positive = positive - (OLD.label = 1)::int + (NEW.label = 1)::int,
        neutral = neutral - (OLD.label = 2)::int + (NEW.label = 2)::int,
        negative = negative - (OLD.label = 3)::int + (NEW.label = 3)::int,
        spam = spam - (OLD.label = 4)::int + (NEW.label = 4)::int,
        compound_sum = compound_sum - OLD.compound + NEW.compound
    WHERE campaign_id = OLD.campaign_id AND hour = OLD.hour;
    RETURN NULL;
END $$;
CREATE TRIGGER campaign_mentions_relabelled AFTER UPDATE OF label, compound ON campaign_mentions
FOR EACH ROW EXECUTE FUNCTION sentimeter_mention_relabelled();
