-- 0012: what is rising (/trends). Per server per UTC day: how many comments had their terms counted, and per
-- term (a word or two-word phrase, bot/core/trends/extract.py) how many of them used it and the sum of their
-- sentiment (compound x 10000, as in the roll-ups). No message text, no author. Bounded: a day keeps at most
-- bot/storage/_trends.py DAY_CAP terms while it is written, and at day close (the daily sweep) only terms
-- used at least twice, at most DAY_KEEP of them; days older than the server's retention are deleted.
CREATE TABLE trend_days (
    guild_id    BIGINT NOT NULL,
    day         INTEGER NOT NULL,           -- unix seconds, start of the UTC day
    messages    INTEGER NOT NULL DEFAULT 0, -- comments whose terms were counted (scored, not spam)
    terms_bound INTEGER NOT NULL DEFAULT 0, -- at least the number of trend_terms rows of the day
    closed      INTEGER NOT NULL DEFAULT 0, -- 1: pruned at day close
    PRIMARY KEY (guild_id, day)
) WITHOUT ROWID;

CREATE TABLE trend_terms (
    guild_id     BIGINT NOT NULL,
    day          INTEGER NOT NULL,
    term         TEXT NOT NULL,
    messages     INTEGER NOT NULL,  -- comments that used the term that day
    compound_sum INTEGER NOT NULL,  -- their compound scores x 10000
    PRIMARY KEY (guild_id, day, term)
) WITHOUT ROWID;

-- a server that turned term counting off (/config trends off); no row: on
CREATE TABLE trend_settings (
    guild_id BIGINT PRIMARY KEY,
    enabled  INTEGER NOT NULL CHECK (enabled IN (0, 1))
) WITHOUT ROWID;
