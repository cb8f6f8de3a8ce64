-- Street length inside each unit, kilometres (geodesic length of the clipped segments), for
-- cases per km of street. Units without streets are absent.
-- units  subquery (unit integer, geom MultiPolygon 4326)   streets: SRID 4326
SELECT u.unit, sum(ST_Length(ST_Intersection(u.geom, s.geom, 1e-9)::geography)) / 1000 AS street_km
FROM (:units) u
JOIN streets s ON ST_Intersects(u.geom, s.geom)
GROUP BY u.unit;
