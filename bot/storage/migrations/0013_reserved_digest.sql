-- Placeholder on branch i15-digest so that 0014 applies (migrations must have no gaps): DELETE this file
-- when merging; the real 0013 comes from another issue-15 branch.
SELECT 1;
