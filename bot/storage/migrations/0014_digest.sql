-- 0014: the weekly digest's schedule (issue 15, cogs/digest). One row per server that asked for a digest:
-- where and when (a weekday and hour in the server's zone), the slot owed next, and the state of its send.
-- Nothing about members: the digest is built from the roll-ups and flag counts when it is posted.
CREATE TABLE digest_schedules (
    guild_id           BIGINT   PRIMARY KEY,
    channel_id         BIGINT   NOT NULL,
    weekday            SMALLINT NOT NULL,            -- 0 = Monday .. 6 = Sunday, in the server's zone
    hour               SMALLINT NOT NULL,            -- 0..23, in the server's zone
    slot               BIGINT   NOT NULL,            -- unix seconds of the digest owed next (posted once reached)
    next_at            REAL     NOT NULL,            -- not tried before (the slot, or a retry after a failure)
    posted_slot        BIGINT   NOT NULL DEFAULT 0,  -- the last slot posted (never posted twice)
    message_id         BIGINT,                       -- the last digest post
    attempted_at       BIGINT,  -- set when a send of `slot` starts whose outcome is unknown: it may exist
    attempt_channel_id BIGINT,  -- where that send went
    attempts           INTEGER  NOT NULL DEFAULT 0,  -- failed tries of `slot`
    warned             SMALLINT NOT NULL DEFAULT 0   -- "cannot post in the channel" was logged for `slot`
);
CREATE INDEX digest_schedules_due ON digest_schedules (next_at);
