-- The rejected rows of an import, as gzip-compressed JSON (the same RowError array `errors` held).
-- A city-wide export can reject tens of thousands of rows: stored as jsonb that was ~14 MB parsed
-- and rewritten by the database on every import (seconds on the embedded one); compressed it is
-- ~1 MB stored as is (EXTERNAL: no second compression attempt). Rows written before this column
-- keep their report in `errors`; readers go through server/imports/record.ts.
ALTER TABLE imports ADD COLUMN errors_gz bytea;
ALTER TABLE imports ALTER COLUMN errors_gz SET STORAGE EXTERNAL;
