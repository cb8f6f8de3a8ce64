-- The noded lines one edge a row (GeoJSON LineString, metres of the layout's metric CRS): the
-- builder keeps those bounding no block (dead ends, streets stopping short) as cut guides.
SELECT ST_AsGeoJSON(e.geom, 9) AS geometry
FROM street_noded CROSS JOIN LATERAL ST_Dump(street_noded.g) AS e
