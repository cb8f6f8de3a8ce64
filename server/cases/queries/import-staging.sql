-- The working tables of one case import, dropped at commit. Rows arrive in case_staging a batch
-- at a time (import-batch.sql moves each batch into `cases` and empties it). Coordinates are
-- WGS84 lon/lat, already converted from the declared CRS. Times are epoch milliseconds (the
-- upsert turns them into timestamptz): a number is several times cheaper to format and to read
-- than a timestamp text, which matters at four times per row.
CREATE TEMP TABLE case_staging (
  row_no         integer NOT NULL,
  external_id    text NOT NULL,
  category_code  text NOT NULL,
  source         text NOT NULL,
  status         text NOT NULL,
  reported_ms    double precision NOT NULL,
  dispatched_ms  double precision,
  due_ms         double precision,
  closed_ms      double precision,
  address        text,
  lon            double precision NOT NULL,
  lat            double precision NOT NULL,
  attrs          jsonb,
  -- its coordinate already held the stacked minimum of the import's cases (load.ts)
  stacked        boolean NOT NULL
) ON COMMIT DROP;

-- Every distinct coordinate of the import so far, placed once: outside the district or not, and
-- the community covering it. Exports repeat coordinates (Boston's 67k cases sit on 28k points),
-- so every spatial test runs per coordinate rather than per case.
CREATE TEMP TABLE case_points (
  lon           double precision NOT NULL,
  lat           double precision NOT NULL,
  geom          geometry(Point, 4326) NOT NULL,
  outside       boolean NOT NULL,
  community_id  integer,
  PRIMARY KEY (lon, lat)
) ON COMMIT DROP;

-- The coordinates first seen in the current batch, with a GiST index so that each district
-- polygon is tested only against the points in its box. ord: their order as sent, when a new
-- dataset's points are sent by themselves (load.ts directLoad).
CREATE TEMP TABLE case_new_points (
  ord   bigint,
  lon   double precision NOT NULL,
  lat   double precision NOT NULL,
  geom  geometry(Point, 4326) NOT NULL
) ON COMMIT DROP;
CREATE INDEX ON case_new_points USING gist (geom);

-- The import's own settings, read by import-batch.sql, which runs as one multi-statement query
-- (one round trip per batch) and so takes no parameters. fresh (the dataset held no cases before)
-- is set as the import begins, import_id once the import is recorded, before the first batch.
CREATE TEMP TABLE case_import (
  dataset          text NOT NULL,
  declared_crs     text NOT NULL,
  district_id      integer,
  district_loaded  boolean NOT NULL,
  import_id        integer,
  fresh            boolean
) ON COMMIT DROP;
