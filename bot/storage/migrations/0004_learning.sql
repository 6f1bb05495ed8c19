-- 0004: learning from moderators (bot/core/feedback/adapt.py). Each review decision is kept as the adapter's
-- numbers, never the text: cue features, topic and words as hash buckets (learning_examples, one row per
-- flag, the latest decision wins), and what was fitted from them per server (learned_adjustments).
CREATE TABLE learning_examples (
    guild_id      BIGINT  NOT NULL,
    flag_id       BIGINT  NOT NULL,
    kind          TEXT    NOT NULL,  -- 'feedback' | 'spam'
    label         INTEGER NOT NULL,  -- 1: moderators want to see it / it is spam
    features      TEXT    NOT NULL,  -- JSON object: feature -> value
    shipped_logit REAL    NOT NULL,
    created_at    BIGINT  NOT NULL,
    PRIMARY KEY (guild_id, flag_id)
);
CREATE INDEX learning_examples_by_time ON learning_examples (guild_id, created_at);

CREATE TABLE learned_adjustments (
    guild_id   BIGINT PRIMARY KEY,
    weights    TEXT    NOT NULL,  -- JSON object: feature -> weight
    cap        REAL    NOT NULL,
    decisions  INTEGER NOT NULL,
    spam_floor REAL    NOT NULL DEFAULT 0,
    updated_at BIGINT  NOT NULL
);

-- A message deleted in Discord erases its flag's text; its example loses its words too (the cue features,
-- topic and label stay). A deleted flag or server configuration takes its examples and adjustment along.
CREATE TRIGGER learning_forget_words AFTER UPDATE OF text ON flags
WHEN NEW.text IS NULL AND OLD.text IS NOT NULL
BEGIN
    UPDATE learning_examples
    SET features = (SELECT json_group_object(key, value) FROM json_each(learning_examples.features)
                    WHERE key NOT LIKE 'h:%')
    WHERE guild_id = NEW.guild_id AND flag_id = NEW.id;
END;
CREATE TRIGGER learning_forget_flag AFTER DELETE ON flags
BEGIN
    DELETE FROM learning_examples WHERE guild_id = OLD.guild_id AND flag_id = OLD.id;
END;
CREATE TRIGGER learning_forget_guild AFTER DELETE ON guild_config
BEGIN
    DELETE FROM learning_examples WHERE guild_id = OLD.guild_id;
    DELETE FROM learned_adjustments WHERE guild_id = OLD.guild_id;
END;
