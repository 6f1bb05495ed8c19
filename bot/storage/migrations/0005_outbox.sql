-- 0005: the review-post outbox (cogs/flags/_outbox.py). A new open flag in a server with a review channel
-- owes a review post; the row is written by a trigger in the same transaction as the flag, so a crash or a
-- failed send cannot lose it. It goes when the post is confirmed (review_message_id stored), when the flag
-- is resolved or deleted, or when the bot gives up on it (too old).
CREATE TABLE review_outbox (
    guild_id           BIGINT  NOT NULL,
    flag_id            BIGINT  NOT NULL,
    attempts           INTEGER NOT NULL DEFAULT 0,
    next_at            REAL    NOT NULL DEFAULT 0,  -- unix seconds: not retried before
    attempted_at       BIGINT,  -- set before a send whose outcome is unknown: a post may exist from then on
    attempt_channel_id BIGINT,  -- where that send went (the review channel then)
    PRIMARY KEY (guild_id, flag_id)
);
CREATE INDEX review_outbox_due ON review_outbox (next_at);

-- Only flags about messages of the last week (the bot gives up on a post after a week anyway), so that a
-- month-old export loaded with `sentimeter analyze` does not flood the review channel.
CREATE TRIGGER review_outbox_add AFTER INSERT ON flags
WHEN NEW.status = 'open' AND NEW.review_message_id IS NULL
    AND NEW.created_at >= CAST(strftime('%s', 'now') AS INTEGER) - 7 * 86400
    AND EXISTS (SELECT 1 FROM guild_config WHERE guild_id = NEW.guild_id AND review_channel_id IS NOT NULL)
BEGIN
    INSERT OR IGNORE INTO review_outbox (guild_id, flag_id) VALUES (NEW.guild_id, NEW.id);
END;
CREATE TRIGGER review_outbox_posted AFTER UPDATE OF review_message_id ON flags
WHEN NEW.review_message_id IS NOT NULL
BEGIN
    DELETE FROM review_outbox WHERE guild_id = NEW.guild_id AND flag_id = NEW.id;
END;
CREATE TRIGGER review_outbox_resolved AFTER UPDATE OF status ON flags
WHEN NEW.status <> 'open'
BEGIN
    DELETE FROM review_outbox WHERE guild_id = NEW.guild_id AND flag_id = NEW.id;
END;
CREATE TRIGGER review_outbox_forget_flag AFTER DELETE ON flags
BEGIN
    DELETE FROM review_outbox WHERE guild_id = OLD.guild_id AND flag_id = OLD.id;
END;

-- Posts lost before this version (a 5xx, a 429 storm, a kill): the last week's open, unposted flags of
-- servers with a review channel. Older ones stay out, so that setting a review channel long after flags
-- piled up does not flood it.
INSERT OR IGNORE INTO review_outbox (guild_id, flag_id)
SELECT f.guild_id, f.id FROM flags AS f
JOIN guild_config AS g ON g.guild_id = f.guild_id AND g.review_channel_id IS NOT NULL
WHERE f.status = 'open' AND f.review_message_id IS NULL
    AND f.created_at >= CAST(strftime('%s', 'now') AS INTEGER) - 7 * 86400;
