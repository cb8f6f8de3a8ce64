-- The distinct coordinates of the staged cases (exports repeat coordinates: Boston's 67k cases sit
-- on 28k points), with how many staged cases each holds. Every spatial test of the import runs
-- on this narrow table rather than per case; the GiST index is built once, after the rows are in.
-- Dropped at commit.   SRID 4326.
CREATE TEMP TABLE case_points ON COMMIT DROP AS
SELECT lon, lat, count(*)::int AS n, ST_SetSRID(ST_MakePoint(lon, lat), 4326) AS geom,
       false AS outside
FROM case_staging
GROUP BY lon, lat;
CREATE INDEX case_points_geom ON case_points USING gist (geom);
