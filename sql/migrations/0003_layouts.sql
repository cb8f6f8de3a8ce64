-- Unit-cell layouts (单元网格). Every drawing is kept as its own layout and never overwritten:
-- new parameters make a new layout, so analyses, patrol coverage and zones that refer to a
-- layout stay reproducible.

-- scope_id: the district, street or community the layout covers.
-- params: everything that determines the cells (target area, H3 resolution and containment mode,
-- metric CRS, origin, sliver threshold, street network …), so the same params give the same cells.
-- stats: area statistics (min, median, max, share within ±30% of target) and warnings.
CREATE TABLE layouts (
  id           serial PRIMARY KEY,
  name         text NOT NULL,
  kind         text NOT NULL CHECK (kind IN ('square', 'h3', 'street')),
  scope_id     integer NOT NULL REFERENCES districts (id) ON DELETE CASCADE,
  params       jsonb NOT NULL DEFAULT '{}'::jsonb,
  note         text,
  metric_crs   text,
  status       text NOT NULL DEFAULT 'building' CHECK (status IN ('building', 'ready', 'failed')),
  cell_count   integer NOT NULL DEFAULT 0,
  stats        jsonb NOT NULL DEFAULT '{}'::jsonb,
  created_at   timestamptz NOT NULL DEFAULT now(),
  duration_ms  integer
);
CREATE INDEX layouts_scope ON layouts (scope_id);

-- idx: dense 0-based position within the layout, the index analyses use in their typed arrays.
-- code: the 15-digit DB11 code (district 6 + street 3 + community 3 + sequence 3), or the H3 index.
-- h3: the H3 cells (res 11 unless the layout says otherwise) the cell covers, so cases and results
-- move between a layout and the H3 system. neighbours: idx of cells sharing an edge.
CREATE TABLE cells (
  layout_id     integer NOT NULL REFERENCES layouts (id) ON DELETE CASCADE,
  idx           integer NOT NULL CHECK (idx >= 0),
  code          text NOT NULL,
  community_id  integer REFERENCES districts (id) ON DELETE SET NULL,
  geom          geometry(MultiPolygon, 4326) NOT NULL,
  area_m2       double precision NOT NULL CHECK (area_m2 > 0),
  centroid      geometry(Point, 4326) NOT NULL,
  h3            text[] NOT NULL DEFAULT '{}',
  neighbours    integer[] NOT NULL DEFAULT '{}',
  attrs         jsonb NOT NULL DEFAULT '{}'::jsonb,
  PRIMARY KEY (layout_id, idx),
  UNIQUE (layout_id, code)
);
CREATE INDEX cells_geom_gist ON cells USING gist (geom);
CREATE INDEX cells_community ON cells (community_id);
