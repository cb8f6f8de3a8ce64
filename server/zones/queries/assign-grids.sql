-- Imported grid polygons → cells: each cell of the layout goes to the polygon covering the largest
-- part of it (ties: the earlier polygon). share: that part of the cell's area (planar degrees² are
-- fine for a ratio within one cell). Cells no polygon overlaps are absent.
-- binds: layout  layout id   geoms  text[] of GeoJSON geometries (WGS84), polygon ordinal = position − 1
WITH g AS (
  SELECT (t.ord - 1)::int AS grid, ST_MakeValid(ST_SetSRID(ST_GeomFromGeoJSON(t.gj), 4326)) AS geom
  FROM unnest(CAST(:geoms AS text[])) WITH ORDINALITY AS t (gj, ord)
), overlap AS (
  SELECT c.idx, g.grid, ST_Area(ST_Intersection(c.geom, g.geom, 1e-9)) / ST_Area(c.geom) AS share
  FROM cells c
  JOIN g ON ST_Intersects(c.geom, g.geom)
  WHERE c.layout_id = :layout
)
SELECT DISTINCT ON (idx) idx, grid, share
FROM overlap
WHERE share > 0
ORDER BY idx, share DESC, grid
