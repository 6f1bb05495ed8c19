-- Placeholder on branch i13-catchup only: migration numbers must have no holes, and 0005 belongs to another
-- branch. The lead deletes this file when merging.
SELECT 1;
