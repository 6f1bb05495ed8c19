-- 0011: reactions in a post's first 24 hours (/top announcements). A post's count, kept by the write path
-- only while the post is less than 24 hours old (it moves with `messages.reactions` then: adds, removes and
-- clears), then frozen: "reactions within the first 24 hours". One row per message that got any, never text.
-- NULL: not known, the count was read from history after the post's first day (back-fill, a long catch-up,
-- `sentimeter analyze`), so how many came in the first day cannot be told.
-- A deleted message takes its row with it (trigger: message delete, forget-me, retention); a purged server's
-- rows go by guild_id.
CREATE TABLE early_reactions (
    message_id INTEGER PRIMARY KEY,
    guild_id   BIGINT  NOT NULL,
    reactions  INTEGER  -- NULL: not known (see above)
);

CREATE TRIGGER early_reactions_forget AFTER DELETE ON messages
BEGIN
    DELETE FROM early_reactions WHERE message_id = OLD.message_id;
END;

-- Counting starts now. A database that already holds messages: posts still in their first 24 hours get the
-- count they have (all of it came within their first day); older posts' first-day counts were never kept, so
-- they are not known (early_reactions_since), rather than shown as zero.
INSERT INTO early_reactions (message_id, guild_id, reactions)
SELECT message_id, guild_id, reactions FROM messages
WHERE reactions > 0 AND created_at >= CAST(strftime('%s', 'now') AS INTEGER) - 86400;

CREATE TABLE early_reactions_since (
    since BIGINT NOT NULL  -- posts created before since - 86400 have no first-day count
);
INSERT INTO early_reactions_since (since)
SELECT CAST(strftime('%s', 'now') AS INTEGER) WHERE EXISTS (SELECT 1 FROM messages);
