-- Cell outlines for polygon contiguity, as GeoJSON in WGS84 (SRID 4326), idx order; the caller
-- projects them to metres. Full precision, so corners shared by two cells stay identical.
-- layout  layout id
SELECT idx, ST_AsGeoJSON(geom, 15) AS geojson
FROM cells
WHERE layout_id = :layout
ORDER BY idx;
