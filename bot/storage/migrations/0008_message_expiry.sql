-- 0008: what the retention sweep deleted stays counted once. The sweep deletes message rows but keeps their
-- contributions to the roll-ups; without a trace of them, reading the same history again (a back-fill, a
-- long catch-up, `sentimeter analyze` of an export already imported) would count those messages a second
-- time. Per channel, the newest message id the sweep has deleted: a message at or below it is not stored
-- again (it was counted, or it is older than the retention window anyway). No author, no text, no score.
CREATE TABLE message_expiry (
    guild_id   BIGINT NOT NULL,
    channel_id BIGINT NOT NULL,
    up_to_id   BIGINT NOT NULL,
    PRIMARY KEY (guild_id, channel_id)
) WITHOUT ROWID;

CREATE INDEX message_expiry_up_to ON message_expiry (up_to_id);
