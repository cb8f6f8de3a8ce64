-- H3 cells (their centres, WGS84) assigned to the staged cell holding the centre.
-- @h3 text[]  @lon, @lat float8[] of the centres (degrees)
SELECT s.draft_id, string_agg(h.h3, ',' ORDER BY h.h3) AS h3
FROM unnest(:h3::text[], :lon::float8[], :lat::float8[]) AS h (h3, lon, lat)
JOIN layout_staged s ON ST_Intersects(s.geom, ST_SetSRID(ST_MakePoint(h.lon, h.lat), 4326))
GROUP BY s.draft_id
