-- 0006: catch-up never leaves a gap. A range of a channel's history that still has to be read: recorded
-- before catch-up reads it (and for every cursor when a gateway session starts, before a live message can
-- move the cursor past it), deleted only once everything read from it is committed. A failed read keeps its
-- row, narrowed to what is still missing, so the next retry or start reads exactly the gap.
CREATE TABLE catchup_gaps (
    guild_id   BIGINT NOT NULL,
    channel_id BIGINT NOT NULL,
    after_id   BIGINT NOT NULL,  -- read the messages after this id ...
    before_id  BIGINT,           -- ... and before this one (NULL: up to the newest)
    PRIMARY KEY (guild_id, channel_id, after_id)
) WITHOUT ROWID;
