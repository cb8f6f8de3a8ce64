-- The import's settings for import-batch.sql (one row; see import-staging.sql). Whether a
-- district boundary is loaded decides whether points are checked against it at all.
-- $1 dataset   $2 declared CRS   $3 district id, or NULL for any loaded district.
INSERT INTO case_import (dataset, declared_crs, district_id, district_loaded)
SELECT $1, $2, $3, EXISTS (SELECT 1 FROM districts WHERE level = 'district' AND ($3::int IS NULL OR id = $3))
RETURNING district_loaded
