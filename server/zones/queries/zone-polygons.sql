-- The zones of one zoning dissolved into one (multi)polygon each (WGS84, 7 decimals ≈ 1 cm), with
-- their code, community, cells, case count and workload.
-- binds: zoning  zoning id
SELECT z.zone, z.code, z.name_zh, z.worker_id, z.community_id,
       d.full_code AS community_code, d.name_zh AS community_name,
       count(*)::int AS cells, sum(zc.workload)::float8 AS workload, sum(zc.cases)::int AS cases,
       ST_AsGeoJSON(ST_Multi(ST_CollectionExtract(ST_UnaryUnion(ST_Collect(c.geom)), 3)), 7)::json AS geometry
FROM zones z
JOIN zonings g ON g.id = z.zoning_id
JOIN zone_cells zc ON zc.zoning_id = z.zoning_id AND zc.zone = z.zone
JOIN cells c ON c.layout_id = g.layout_id AND c.idx = zc.idx
LEFT JOIN districts d ON d.id = z.community_id
WHERE z.zoning_id = :zoning
GROUP BY z.zoning_id, z.zone, d.id
ORDER BY z.zone
