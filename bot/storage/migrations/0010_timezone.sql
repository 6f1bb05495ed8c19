-- 0010: a server's time zone (issue 15). NULL = UTC. Roll-ups stay in UTC hours; days, weekdays and charts are
-- regrouped into this zone when they are read.
ALTER TABLE guild_config ADD COLUMN timezone TEXT;
