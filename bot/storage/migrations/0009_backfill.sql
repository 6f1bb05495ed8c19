-- 0009: back-fill (/backfill start) survives a restart. One run per server at a time: when it started, how
-- far back it reads, how many channels it planned and how many messages it has read, and where its progress
-- message is. Per channel, the range of history still to read (after_id, before_id), narrowed only once
-- what was read is committed; the row goes when the channel is done. Reading a range again counts nothing
-- twice (storage ignores message ids it already has), so a crash costs at most the reads since the last
-- checkpoint. The per-server setting: how many days a back-fill may reach back (NULL row: the default).
CREATE TABLE backfill_runs (
    guild_id            BIGINT PRIMARY KEY,
    started_at          INTEGER NOT NULL,  -- unix seconds
    days                INTEGER NOT NULL,
    only_channel_id     BIGINT,            -- NULL: every readable channel and thread
    channels_total      INTEGER NOT NULL,
    messages_read       INTEGER NOT NULL DEFAULT 0,
    progress_channel_id BIGINT,            -- the message edited with the progress (NULL: none)
    progress_message_id BIGINT,
    locale              TEXT NOT NULL DEFAULT 'en'
) WITHOUT ROWID;

CREATE TABLE backfill_ranges (
    guild_id   BIGINT NOT NULL,
    channel_id BIGINT NOT NULL,
    start_id   BIGINT NOT NULL,  -- where the range began (for the progress fraction)
    after_id   BIGINT NOT NULL,  -- read the messages after this id ...
    before_id  BIGINT NOT NULL,  -- ... and before this one
    PRIMARY KEY (guild_id, channel_id)
) WITHOUT ROWID;

CREATE TABLE backfill_settings (
    guild_id BIGINT PRIMARY KEY,
    max_days INTEGER NOT NULL CHECK (max_days >= 1)
) WITHOUT ROWID;
