-- Stacked points of an import into a dataset the table did not hold yet (see import-stacks.sql):
-- the dataset's cases are then exactly the import's, so the counts kept while reading are the
-- stacks, less the coordinates outside the district (whose cases were not written). Dropped at commit.
-- $1 lon[]   $2 lat[]   $3 cases[]: the coordinates holding at least the minimum.   SRID 4326.
CREATE TEMP TABLE case_stacks ON COMMIT DROP AS
SELECT c.lon, c.lat, c.cases, p.geom
FROM unnest($1::float8[], $2::float8[], $3::int[]) AS c (lon, lat, cases)
JOIN case_points p ON p.lon = c.lon AND p.lat = c.lat
WHERE NOT p.outside
