-- 0013: sponsors and campaigns (issue 15). A campaign is a name and up to 20 keywords or links per server
-- (at most 25 campaigns). Per campaign per UTC hour: mentions and their sentiment mix (kept like the roll-ups,
-- also after the retention sweep). Per mention: the message, its author and hour (for unique members), kept
-- only while the message row is: a deleted message, a forgotten member and the retention sweep remove it.
CREATE TABLE campaigns (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    guild_id   BIGINT  NOT NULL,
    name       TEXT    NOT NULL COLLATE NOCASE,
    keywords   TEXT    NOT NULL,  -- one keyword or link per line
    starts_at  BIGINT  NOT NULL,  -- unix seconds
    ends_at    BIGINT,            -- NULL: open-ended
    created_at BIGINT  NOT NULL,
    UNIQUE (guild_id, name)
);

CREATE TABLE campaign_hour (
    guild_id     BIGINT  NOT NULL,
    campaign_id  INTEGER NOT NULL,
    hour         BIGINT  NOT NULL,
    mentions     INTEGER NOT NULL,
    positive     INTEGER NOT NULL,
    neutral      INTEGER NOT NULL,
    negative     INTEGER NOT NULL,
    spam         INTEGER NOT NULL,
    compound_sum INTEGER NOT NULL,  -- scored, non-spam mentions' compound × 10,000
    PRIMARY KEY (campaign_id, hour)
) WITHOUT ROWID;

-- label: 0 not scored, 1 positive, 2 neutral, 3 negative, 4 spam
CREATE TABLE campaign_mentions (
    message_id  INTEGER  NOT NULL,
    campaign_id INTEGER  NOT NULL,
    guild_id    BIGINT   NOT NULL,
    author_id   BIGINT   NOT NULL,
    hour        BIGINT   NOT NULL,
    label       SMALLINT NOT NULL,
    compound    INTEGER  NOT NULL,  -- × 10,000; 0 unless label is 1..3
    PRIMARY KEY (message_id, campaign_id)
) WITHOUT ROWID;

CREATE INDEX campaign_mentions_by_campaign ON campaign_mentions (campaign_id, hour, author_id);

-- A message's row goes: its mentions go too. Deleted (one, in bulk, or a forgotten member's): the hour's
-- counts go down with it, as the roll-ups do. Swept by retention (the sweep records the channel's expiry mark
-- first, migration 0008): the counts stay, as the roll-ups do.
CREATE TRIGGER campaign_mentions_message_deleted AFTER DELETE ON messages
BEGIN
    UPDATE campaign_hour SET
        mentions = mentions - 1,
        positive = positive - (SELECT m.label = 1 FROM campaign_mentions m
                               WHERE m.message_id = OLD.message_id AND m.campaign_id = campaign_hour.campaign_id),
        neutral = neutral - (SELECT m.label = 2 FROM campaign_mentions m
                             WHERE m.message_id = OLD.message_id AND m.campaign_id = campaign_hour.campaign_id),
        negative = negative - (SELECT m.label = 3 FROM campaign_mentions m
                               WHERE m.message_id = OLD.message_id AND m.campaign_id = campaign_hour.campaign_id),
        spam = spam - (SELECT m.label = 4 FROM campaign_mentions m
                       WHERE m.message_id = OLD.message_id AND m.campaign_id = campaign_hour.campaign_id),
        compound_sum = compound_sum - (SELECT m.compound FROM campaign_mentions m
                                       WHERE m.message_id = OLD.message_id
                                       AND m.campaign_id = campaign_hour.campaign_id)
    WHERE hour = OLD.created_at - OLD.created_at % 3600
        AND campaign_id IN (SELECT campaign_id FROM campaign_mentions WHERE message_id = OLD.message_id)
        AND NOT EXISTS (SELECT 1 FROM message_expiry e WHERE e.guild_id = OLD.guild_id
                        AND e.channel_id = OLD.channel_id AND e.up_to_id >= OLD.message_id);
    DELETE FROM campaign_mentions WHERE message_id = OLD.message_id;
END;

-- An edit re-scored the message: its mentions move to the new label.
CREATE TRIGGER campaign_mentions_message_rescored AFTER UPDATE OF scored, compound, is_spam ON messages
WHEN OLD.scored IS NOT NEW.scored OR OLD.compound IS NOT NEW.compound OR OLD.is_spam IS NOT NEW.is_spam
BEGIN
    UPDATE campaign_mentions SET
        label = CASE WHEN NEW.is_spam THEN 4 WHEN NOT NEW.scored THEN 0 WHEN NEW.compound >= 0.05 THEN 1
                     WHEN NEW.compound <= -0.05 THEN 3 ELSE 2 END,
        compound = CASE WHEN NEW.is_spam OR NOT NEW.scored THEN 0
                        ELSE CAST(round(NEW.compound * 10000) AS INTEGER) END
    WHERE message_id = NEW.message_id;
END;

-- A mention's label changes (the trigger above) or it ends (an edit no longer mentions the campaign): the
-- hour's counts follow.
CREATE TRIGGER campaign_mentions_relabelled AFTER UPDATE OF label, compound ON campaign_mentions
BEGIN
    UPDATE campaign_hour SET
        positive = positive - (OLD.label = 1) + (NEW.label = 1),
        neutral = neutral - (OLD.label = 2) + (NEW.label = 2),
        negative = negative - (OLD.label = 3) + (NEW.label = 3),
        spam = spam - (OLD.label = 4) + (NEW.label = 4),
        compound_sum = compound_sum - OLD.compound + NEW.compound
    WHERE campaign_id = OLD.campaign_id AND hour = OLD.hour;
END;
