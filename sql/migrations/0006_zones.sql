-- Responsibility grids (责任网格): zonings of a layout's unit cells into zones, each zone owned by
-- one worker or team. A zoning is either the city's 'current' grids (imported) or a 'proposal'
-- drawn by the balanced-zoning optimiser; both are kept, never overwritten, so they compare.

-- params: the request that made a proposal (K, nesting, constraints, weights, seed, budget) or the
-- import options of a current zoning. workload: the workload definition (time window, weights per
-- case category, street length, area, POI kinds). metrics: CV, max/min, compactness, cells moved,
-- clusters split, warnings and the CV-over-time history of the search.
CREATE TABLE zonings (
  id          serial PRIMARY KEY,
  layout_id   integer NOT NULL REFERENCES layouts (id) ON DELETE CASCADE,
  kind        text NOT NULL CHECK (kind IN ('current', 'proposal')),
  name        text NOT NULL,
  k           integer NOT NULL CHECK (k > 0),
  params      jsonb NOT NULL DEFAULT '{}'::jsonb,
  workload    jsonb NOT NULL DEFAULT '{}'::jsonb,
  metrics     jsonb NOT NULL DEFAULT '{}'::jsonb,
  created_at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX zonings_layout ON zonings (layout_id, kind);

-- One row per zone. zone: dense 0-based id (the optimiser's), code: community code + 2-digit grid
-- number (or the imported grid code), community_id: the community holding most of its cells.
CREATE TABLE zones (
  zoning_id     integer NOT NULL REFERENCES zonings (id) ON DELETE CASCADE,
  zone          integer NOT NULL CHECK (zone >= 0),
  code          text NOT NULL,
  name_zh       text,
  worker_id     text,
  community_id  integer REFERENCES districts (id) ON DELETE SET NULL,
  PRIMARY KEY (zoning_id, zone),
  UNIQUE (zoning_id, code)
);

-- Cell → zone assignment (idx of cells in the zoning's layout), with the cell's workload and case
-- count under the zoning's workload definition, so figures and comparisons need no recomputation.
-- zone is NULL for a cell no imported grid covers.
CREATE TABLE zone_cells (
  zoning_id  integer NOT NULL REFERENCES zonings (id) ON DELETE CASCADE,
  idx        integer NOT NULL CHECK (idx >= 0),
  zone       integer,
  workload   double precision NOT NULL DEFAULT 0,
  cases      integer NOT NULL DEFAULT 0,
  PRIMARY KEY (zoning_id, idx)
);
CREATE INDEX zone_cells_zone ON zone_cells (zoning_id, zone);
