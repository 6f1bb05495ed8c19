-- 0007: members' data rights and retention (bot/storage/_privacy.py, README "Privacy").
--
-- privacy_opt_outs: members who asked not to be counted (/privacy opt-out). Their new messages are not stored
-- at all (nothing: no row, no roll-up, no score, no flag). The row itself is the one thing kept about them,
-- so that the choice is remembered; /privacy opt-in removes it. /privacy forget-me leaves it (forgetting
-- someone must not start counting them again).
CREATE TABLE privacy_opt_outs (
    guild_id   BIGINT NOT NULL,
    user_id    BIGINT NOT NULL,
    created_at BIGINT NOT NULL,
    PRIMARY KEY (guild_id, user_id)
) WITHOUT ROWID;

-- Per-server retention of message rows and flag text, in days (/config retention); no row = the default
-- (bot/core/privacy.py DEFAULT_RETENTION_DAYS). Roll-ups are kept.
CREATE TABLE privacy_settings (
    guild_id       BIGINT PRIMARY KEY,
    retention_days INTEGER NOT NULL
);

-- Servers the bot was removed from: everything stored about them is deleted once the grace period
-- (SENTIMETER_PURGE_GRACE_DAYS) has passed; re-adding the bot in time deletes the row instead.
CREATE TABLE guild_removals (
    guild_id   BIGINT PRIMARY KEY,
    removed_at BIGINT NOT NULL
);
