-- Cases per cell of a layout, reported in [from, to), stacked geocoder fallback points left out;
-- the default patrol priority of a cell. Cells without cases are not returned.
-- layout  layout id   from, to  timestamptz   categories  text[] of category codes or NULL for all
SELECT c.idx, count(*) AS n
FROM cells c
JOIN cases k ON ST_Intersects(c.geom, k.geom)
WHERE c.layout_id = :layout
  AND k.reported_at >= CAST(:from AS timestamptz) AND k.reported_at < CAST(:to AS timestamptz)
  AND NOT k.stacked
  AND (CAST(:categories AS text[]) IS NULL OR k.category_code = ANY (CAST(:categories AS text[])))
GROUP BY c.idx;
