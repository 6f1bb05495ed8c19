-- 0010: reserved for another part of issue 15 (a placeholder on the i15-top branch only, so that 0011 applies
-- here; the merge keeps the real 0010 and drops this file).
SELECT 1;
