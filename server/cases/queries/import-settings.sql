-- The import's settings for the batch query (one row; see import-staging.sql). Whether a district
-- boundary is loaded decides whether points are checked against it at all; whether the dataset
-- holds no cases yet (fresh) lets its rows be written without comparing them to stored ones.
-- import_id is set once the import is recorded (load.ts firstBatch).
-- $1 dataset   $2 declared CRS   $3 district id, or NULL for any loaded district.
INSERT INTO case_import (dataset, declared_crs, district_id, district_loaded, fresh)
SELECT $1, $2, $3, EXISTS (SELECT 1 FROM districts WHERE level = 'district' AND ($3::int IS NULL OR id = $3)),
       NOT EXISTS (SELECT 1 FROM cases WHERE dataset = $1)
RETURNING district_loaded, fresh
