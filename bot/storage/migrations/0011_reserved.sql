-- 0011: reserved for another part of issue 15 (a placeholder on the i15-trends branch only, so that 0012
-- applies here; the merge keeps the real 0011 and drops this file).
SELECT 1;
