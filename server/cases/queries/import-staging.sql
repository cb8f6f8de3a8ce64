-- Staging table for one case import; dropped at commit. Coordinates are WGS84 lon/lat,
-- already converted from the declared CRS. Times are epoch milliseconds (the upsert turns them
-- into timestamptz): a number is several times cheaper to format and to read than a timestamp text,
-- which matters at four times per row.
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
  attrs          jsonb
) ON COMMIT DROP;
