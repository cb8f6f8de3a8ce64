-- Street networks with lines in a layout's scope and their line counts, for choosing a network
-- and for saying which exist when the chosen one has none there.
SELECT s.network, count(*)::int AS n
FROM streets s, (SELECT ST_Envelope(ST_Collect(geom)) AS g FROM layout_units) box
WHERE s.geom && box.g AND EXISTS (SELECT 1 FROM layout_units u WHERE ST_Intersects(u.geom, s.geom))
GROUP BY s.network
ORDER BY n DESC, s.network
