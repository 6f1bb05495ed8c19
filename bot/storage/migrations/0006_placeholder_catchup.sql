-- PLACEHOLDER on branch i13-privacy only, so that 0007 has no gap (migration_scripts refuses gaps).
-- The lead deletes this file when merging: the real 0005/0006 come from the other i13 branches.
SELECT 1;
