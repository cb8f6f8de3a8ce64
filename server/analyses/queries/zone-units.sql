-- The responsibility grids of one zoning as statistics units: number, code, names, worker, area
-- (m², sum of the cells) and the dissolved outline as GeoJSON (WGS84). The union snaps to a
-- 1e-9 degree grid, as every overlay here does (see layouts/queries/units.sql).
-- zoning  zonings.id
SELECT z.zone, z.code, z.name_zh, z.worker_id,
       sum(c.area_m2) AS area_m2,
       ST_AsGeoJSON(ST_Union(c.geom, 1e-9), 7) AS geometry
FROM zones z
JOIN zonings g ON g.id = z.zoning_id
JOIN zone_cells zc ON zc.zoning_id = z.zoning_id AND zc.zone = z.zone
JOIN cells c ON c.layout_id = g.layout_id AND c.idx = zc.idx
WHERE z.zoning_id = :zoning
GROUP BY z.zone, z.code, z.name_zh, z.worker_id
ORDER BY z.code
