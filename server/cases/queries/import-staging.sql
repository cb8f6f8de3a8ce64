-- Staging table for one case import; dropped at commit. Coordinates are WGS84 lon/lat,
-- already converted from the declared CRS.
CREATE TEMP TABLE case_staging (
  row_no         integer PRIMARY KEY,
  external_id    text NOT NULL,
  category_code  text NOT NULL,
  source         text NOT NULL,
  status         text NOT NULL,
  reported_at    timestamptz NOT NULL,
  dispatched_at  timestamptz,
  due_at         timestamptz,
  closed_at      timestamptz,
  address        text,
  lon            double precision NOT NULL,
  lat            double precision NOT NULL,
  attrs          jsonb
) ON COMMIT DROP;
