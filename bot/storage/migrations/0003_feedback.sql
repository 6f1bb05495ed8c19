-- 0003: the review decision is its own detector (bot/core/feedback). A server picks a sensitivity
-- ('low' | 'normal' | 'high'; NULL = the default, 'normal') instead of a compound threshold, and a flag
-- remembers what the feedback is about (its topic). Existing thresholds map to the nearest sensitivity:
-- stricter than the old default (-0.3 and below) -> 'low', the default region -> 'normal', 0 and above
-- (flag anything not positive) -> 'high'. The threshold column stays for older versions and is no longer read
-- for flagging.
ALTER TABLE guild_config ADD COLUMN sensitivity TEXT;
UPDATE guild_config SET sensitivity = CASE
    WHEN threshold IS NULL THEN NULL
    WHEN threshold <= -0.3 THEN 'low'
    WHEN threshold >= 0.0 THEN 'high'
    ELSE 'normal'
END;
ALTER TABLE flags ADD COLUMN topic TEXT;
