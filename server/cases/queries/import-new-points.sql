-- The coordinates a new dataset's batch brings (load.ts directLoad), numbered in the order sent,
-- for import-place-points.sql.
-- $1 lon[]   $2 lat[].   SRID 4326.
INSERT INTO case_new_points (ord, lon, lat, geom)
SELECT u.ord, u.lon, u.lat, ST_SetSRID(ST_MakePoint(u.lon, u.lat), 4326)
FROM unnest($1::float8[], $2::float8[]) WITH ORDINALITY AS u (lon, lat, ord)
