-- Stores cleaned trips, one row per trip, from parallel arrays (unnest works over every wire
-- server, the embedded one included). geoms  bytea[] of ISO WKB LineStringM, lon/lat + epoch seconds
INSERT INTO patrol_trips (worker_id, day, started_at, ended_at, fixes, length_m, geom, import_id)
SELECT u.worker_id, u.day, u.started_at, u.ended_at, u.fixes, u.length_m,
       ST_SetSRID(ST_GeomFromWKB(u.wkb), 4326), CAST(:import_id AS integer)
FROM unnest(CAST(:workers AS integer[]), CAST(:days AS date[]), CAST(:started AS timestamptz[]), CAST(:ended AS timestamptz[]),
            CAST(:fixes AS integer[]), CAST(:lengths AS float8[]), CAST(:geoms AS bytea[]))
  AS u(worker_id, day, started_at, ended_at, fixes, length_m, wkb);
