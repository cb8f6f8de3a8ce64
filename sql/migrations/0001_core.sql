-- Core data model: the administrative hierarchy, the case taxonomy, imports and cases.
-- All geometries are EPSG:4326 (WGS84 lon/lat); metric work projects on the fly.
-- Tables of later capabilities (layouts/cells, streets, patrol tracks, analyses, zones) come in
-- their own numbered migrations.

-- 区 → 街道 → 社区. code is the level's own code (6-digit GB/T 2260 for a district, 3 digits for
-- a street or community); full_code concatenates them (6, 9 or 12 digits) and is unique.
CREATE TABLE districts (
  id          serial PRIMARY KEY,
  level       text NOT NULL CHECK (level IN ('district', 'street', 'community')),
  code        text NOT NULL,
  full_code   text NOT NULL UNIQUE,
  parent_id   integer REFERENCES districts (id) ON DELETE CASCADE,
  name_zh     text NOT NULL,
  name_en     text,
  geom        geometry(MultiPolygon, 4326) NOT NULL,
  area_m2     double precision NOT NULL,
  source_crs  text NOT NULL DEFAULT 'WGS84',
  attrs       jsonb NOT NULL DEFAULT '{}'::jsonb,
  created_at  timestamptz NOT NULL DEFAULT now(),
  CHECK ((level = 'district' AND code ~ '^\d{6}$' AND parent_id IS NULL)
      OR (level <> 'district' AND code ~ '^\d{3}$' AND parent_id IS NOT NULL))
);
CREATE INDEX districts_geom_gist ON districts USING gist (geom);
CREATE INDEX districts_parent ON districts (parent_id);

-- Two-level taxonomy: majors (2-digit code) and minors (4-digit: major + 2 digits).
-- kind: 'event' 事件 or 'component' 部件. deadline_hours: default time allowed to close a case.
CREATE TABLE categories (
  code            text PRIMARY KEY CHECK (code ~ '^\d{2}(\d{2})?$'),
  major_code      text NOT NULL,
  level           text NOT NULL CHECK (level IN ('major', 'minor')),
  name_zh         text NOT NULL,
  name_en         text,
  kind            text CHECK (kind IN ('event', 'component')),
  deadline_hours  double precision CHECK (deadline_hours > 0),
  CHECK ((level = 'major' AND code = major_code) OR (level = 'minor' AND left(code, 2) = major_code))
);

-- External category names (a hotline's or another city's labels) mapped onto the taxonomy.
CREATE TABLE category_mappings (
  mapping_set    text NOT NULL,
  external_name  text NOT NULL,
  category_code  text NOT NULL REFERENCES categories (code),
  PRIMARY KEY (mapping_set, external_name)
);

-- One row per import run, with its report (counts, bad rows, warnings) kept for download.
CREATE TABLE imports (
  id           serial PRIMARY KEY,
  kind         text NOT NULL,
  filename     text,
  dataset      text,
  options      jsonb NOT NULL DEFAULT '{}'::jsonb,
  status       text NOT NULL DEFAULT 'running' CHECK (status IN ('running', 'done', 'failed')),
  started_at   timestamptz NOT NULL DEFAULT now(),
  finished_at  timestamptz,
  counts       jsonb NOT NULL DEFAULT '{}'::jsonb,
  errors       jsonb NOT NULL DEFAULT '[]'::jsonb,
  warnings     jsonb NOT NULL DEFAULT '[]'::jsonb,
  message      text
);

-- Cases. external_id is unique within a dataset (one source system's export), which is what
-- makes re-importing a file change nothing. source is the reporting channel.
CREATE TABLE cases (
  id             bigserial PRIMARY KEY,
  dataset        text NOT NULL DEFAULT 'default',
  external_id    text NOT NULL,
  category_code  text NOT NULL REFERENCES categories (code),
  source         text NOT NULL CHECK (source IN ('patrol', '12345', '12319', 'video', 'resident', 'app', 'other')),
  reported_at    timestamptz NOT NULL,
  dispatched_at  timestamptz,
  due_at         timestamptz,
  closed_at      timestamptz,
  status         text NOT NULL CHECK (status IN ('reported', 'dispatched', 'handled', 'closed', 'rejected')),
  address        text,
  geom           geometry(Point, 4326) NOT NULL,
  declared_crs   text NOT NULL DEFAULT 'WGS84',
  community_id   integer REFERENCES districts (id) ON DELETE SET NULL,
  stacked        boolean NOT NULL DEFAULT false,
  attrs          jsonb NOT NULL DEFAULT '{}'::jsonb,
  import_id      integer REFERENCES imports (id) ON DELETE SET NULL,
  UNIQUE (dataset, external_id)
);
CREATE INDEX cases_geom_gist ON cases USING gist (geom);
CREATE INDEX cases_reported_at ON cases (reported_at);
CREATE INDEX cases_category ON cases (category_code);
CREATE INDEX cases_community ON cases (community_id);

-- Small key/value facts about this installation (e.g. that the sample city was loaded).
CREATE TABLE app_state (
  key    text PRIMARY KEY,
  value  jsonb NOT NULL,
  updated_at timestamptz NOT NULL DEFAULT now()
);
