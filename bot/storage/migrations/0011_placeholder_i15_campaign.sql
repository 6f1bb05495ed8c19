-- Placeholder on branch i15-campaign only: migration 0011 lands from another issue-15 branch. DELETE THIS FILE
-- when merging (the campaign tables are 0013_campaigns.sql).
SELECT 1;
