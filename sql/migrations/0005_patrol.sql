-- Patrol: the workers, their cleaned GPS trips, the walkable street graph and daily route plans.
-- Geometries are EPSG:4326 (WGS84 lon/lat); metric work projects on the fly.

-- A patrol worker (巡查员). code is the id used in track files (W01 …). shifts: the worker's
-- usual shifts, [{"start": minute of day, "minutes": length}]; office: where shifts start and end.
CREATE TABLE patrol_workers (
  id               serial PRIMARY KEY,
  code             text NOT NULL UNIQUE,
  name_zh          text,
  name_en          text,
  office           geometry(Point, 4326),
  shifts           jsonb NOT NULL DEFAULT '[]'::jsonb,
  speed_kmh        double precision NOT NULL DEFAULT 4.5 CHECK (speed_kmh > 0),
  rest_weekdays    integer[] NOT NULL DEFAULT '{}',
  community_codes  text[] NOT NULL DEFAULT '{}',
  attrs            jsonb NOT NULL DEFAULT '{}'::jsonb
);

-- The responsibility grids (责任网格) a worker owns, as drawn today (data/sample/grids.geojson or
-- an upload). The zoning capability draws new ones; until a plan names a zoning, these decide
-- which cells are whose: a cell belongs to the grid holding its centroid.
CREATE TABLE patrol_worker_grids (
  code       text PRIMARY KEY,
  worker_id  integer REFERENCES patrol_workers (id) ON DELETE SET NULL,
  name_zh    text,
  geom       geometry(MultiPolygon, 4326) NOT NULL
);
CREATE INDEX patrol_worker_grids_geom ON patrol_worker_grids USING gist (geom);
CREATE INDEX patrol_worker_grids_worker ON patrol_worker_grids (worker_id);

-- Cleaned fixes, ONE ROW PER TRIP (a worker's continuous walk on one local day, cut at gaps,
-- speed jumps and excursions by the cleaning step). The fixes are the vertices of a LineStringM
-- whose M is the fix time in epoch seconds (fractional: milliseconds are exact in a double).
-- Why not one row per fix: a city's month is ~15 M fixes; a row per fix costs ~24 bytes of tuple
-- header + ~40 bytes of columns + index entries, a trip row ~24 bytes per fix and one index entry
-- per trip (≈ 25,000 trips for 15 M fixes). Coverage always reads whole trips of a day range, in
-- order, which is exactly a scan of these rows; the GiST index finds trips crossing an area, and
-- PostGIS functions (ST_LocateAlong, ST_Length, ST_Intersects) work on the lines directly.
-- A one-fix trip repeats its fix (a LineString needs two vertices); `fixes` says it is one.
-- day: local (Asia/Shanghai) date of the trip. Re-importing a worker's day replaces its trips.
CREATE TABLE patrol_trips (
  id          bigserial PRIMARY KEY,
  worker_id   integer NOT NULL REFERENCES patrol_workers (id) ON DELETE CASCADE,
  day         date NOT NULL,
  started_at  timestamptz NOT NULL,
  ended_at    timestamptz NOT NULL,
  fixes       integer NOT NULL CHECK (fixes >= 1),
  length_m    double precision NOT NULL,
  geom        geometry(LineStringM, 4326) NOT NULL,
  import_id   integer REFERENCES imports (id) ON DELETE SET NULL,
  UNIQUE (worker_id, started_at),
  CHECK (ended_at >= started_at)
);
CREATE INDEX patrol_trips_day ON patrol_trips (day, worker_id);
CREATE INDEX patrol_trips_geom ON patrol_trips USING gist (geom);

-- The walkable street graph of one street network (server/patrol/core/graph.ts): nodes at
-- junctions and dead ends, edges with lengths in metres along the line, one-way ignored.
-- streets_signature (count and largest id of the network's streets) tells when the streets were
-- re-imported and the graph must be rebuilt. report: components and disconnected pieces.
CREATE TABLE patrol_graphs (
  id                 serial PRIMARY KEY,
  network            text NOT NULL UNIQUE,
  metric_epsg        integer NOT NULL,
  snap_tolerance_m   double precision NOT NULL,
  streets_signature  text NOT NULL,
  node_count         integer NOT NULL,
  edge_count         integer NOT NULL,
  components         integer NOT NULL,
  length_m           double precision NOT NULL,
  report             jsonb NOT NULL DEFAULT '{}'::jsonb,
  built_at           timestamptz NOT NULL DEFAULT now(),
  duration_ms        integer
);

-- component: 0 is the largest connected piece (by street length).
CREATE TABLE patrol_graph_nodes (
  graph_id   integer NOT NULL REFERENCES patrol_graphs (id) ON DELETE CASCADE,
  idx        integer NOT NULL,
  component  integer NOT NULL,
  degree     integer NOT NULL,
  geom       geometry(Point, 4326) NOT NULL,
  PRIMARY KEY (graph_id, idx)
);

-- street_id: the `streets` row the edge was cut from (no foreign key: a street re-import replaces
-- the rows, and the signature above marks the graph stale instead of deleting it under a plan).
CREATE TABLE patrol_graph_edges (
  graph_id   integer NOT NULL REFERENCES patrol_graphs (id) ON DELETE CASCADE,
  idx        integer NOT NULL,
  from_node  integer NOT NULL,
  to_node    integer NOT NULL,
  length_m   double precision NOT NULL CHECK (length_m >= 0),
  street_id  bigint,
  component  integer NOT NULL,
  geom       geometry(LineString, 4326) NOT NULL,
  PRIMARY KEY (graph_id, idx)
);
CREATE INDEX patrol_graph_edges_geom ON patrol_graph_edges USING gist (geom);

-- A daily patrol plan over the cells of a layout. params: the request as given; objective and
-- baseline: the plan's and the nearest-neighbour baseline's objective; uncovered: mandatory cells
-- left out with the reason.
CREATE TABLE patrol_plans (
  id           serial PRIMARY KEY,
  layout_id    integer NOT NULL REFERENCES layouts (id) ON DELETE CASCADE,
  day          date NOT NULL,
  network      text NOT NULL,
  params       jsonb NOT NULL DEFAULT '{}'::jsonb,
  objective    jsonb NOT NULL DEFAULT '{}'::jsonb,
  baseline     jsonb NOT NULL DEFAULT '{}'::jsonb,
  uncovered    jsonb NOT NULL DEFAULT '[]'::jsonb,
  stats        jsonb NOT NULL DEFAULT '{}'::jsonb,
  created_at   timestamptz NOT NULL DEFAULT now(),
  duration_ms  integer
);
CREATE INDEX patrol_plans_day ON patrol_plans (day);

-- One route of a plan: one worker's shift. stops: [{cell, idx, arrival, wait, dwell, departure,
-- lon, lat}] with times in minutes from shift_start (minute of day). geom: the walk along streets.
CREATE TABLE patrol_plan_routes (
  plan_id        integer NOT NULL REFERENCES patrol_plans (id) ON DELETE CASCADE,
  seq            integer NOT NULL,
  worker_id      integer REFERENCES patrol_workers (id) ON DELETE SET NULL,
  worker_code    text NOT NULL,
  shift_start    integer NOT NULL,
  shift_minutes  double precision NOT NULL,
  stops          jsonb NOT NULL DEFAULT '[]'::jsonb,
  length_m       double precision NOT NULL,
  duration_min   double precision NOT NULL,
  dwell_value    double precision NOT NULL,
  feasible       boolean NOT NULL,
  geom           geometry(LineString, 4326) NOT NULL,
  PRIMARY KEY (plan_id, seq)
);
