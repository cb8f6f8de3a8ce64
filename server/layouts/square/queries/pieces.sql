-- Square cells of side @side metres in the layout's metric CRS, aligned to the origin
-- (@ox, @oy) (multiples of @side from it, so the same parameters give the same squares), clipped
-- to each unit (community) and split into their connected parts. Squares wholly inside a unit
-- skip the overlay (ST_Contains on the repeated unit geometry is prepared once per unit).
-- SRID of g: the metric CRS of layout_units.geom_m. area in m².
CREATE TEMP TABLE square_pieces ON COMMIT DROP AS
WITH clipped AS (
  SELECT u.unit_id, q.i, q.j,
         CASE WHEN ST_Contains(u.geom_m, q.sq) THEN q.sq
              ELSE ST_CollectionExtract(ST_Intersection(u.geom_m, q.sq, 1e-4), 3) END AS g
  FROM layout_units u
  CROSS JOIN LATERAL (
    SELECT s.i, s.j, ST_Translate(s.geom, :ox::float8, :oy::float8) AS sq
    FROM ST_SquareGrid(:side::float8, ST_Translate(u.geom_m, -:ox::float8, -:oy::float8)) AS s
  ) q
  WHERE ST_Intersects(u.geom_m, q.sq)
), parts AS (
  SELECT c.unit_id, c.i, c.j, d.path, d.geom AS g
  FROM clipped c CROSS JOIN LATERAL ST_Dump(c.g) AS d
)
SELECT (row_number() OVER (ORDER BY unit_id, j DESC, i, path))::int AS piece_id, unit_id, i, j, g, ST_Area(g) AS area
FROM parts
WHERE ST_Area(g) > 0
