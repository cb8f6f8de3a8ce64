-- Stored, reproducible analyses (cell statistics, Gi* hot spots, local Moran, density clusters,
-- kernel density …). A row keeps everything needed to run the analysis again and get the same
-- answer: its kind, its parameters (seeds included), the case filters and the layout it ran on.
-- A layout is never overwritten (see 0003_layouts.sql), so layout_id pins the cells.

-- status: 'running' while it runs, then 'done' or 'failed' (with error: {code, message}).
-- summary: the small part of the result (counts, weights statistics, every choice made and why),
-- read by listings. progress: last reported {phase, done, total}.
-- as_of: the instant deadlines are judged at (due, overdue), so a re-run gives the same answer.
-- rerun_of: the analysis this one repeats with the same kind, parameters and filters.
CREATE TABLE analyses (
  id           serial PRIMARY KEY,
  kind         text NOT NULL,
  name         text,
  parameters   jsonb NOT NULL DEFAULT '{}'::jsonb,
  filters      jsonb NOT NULL DEFAULT '{}'::jsonb,
  layout_id    integer REFERENCES layouts (id) ON DELETE SET NULL,
  as_of        timestamptz NOT NULL DEFAULT now(),
  status       text NOT NULL DEFAULT 'running' CHECK (status IN ('running', 'done', 'failed')),
  created_at   timestamptz NOT NULL DEFAULT now(),
  finished_at  timestamptz,
  duration_ms  integer,
  progress     jsonb NOT NULL DEFAULT '{}'::jsonb,
  summary      jsonb,
  error        jsonb,
  rerun_of     integer REFERENCES analyses (id) ON DELETE SET NULL
);
CREATE INDEX analyses_kind ON analyses (kind, created_at DESC);
CREATE INDEX analyses_layout ON analyses (layout_id);

-- The full result: one row per cell, cluster or raster, as columns of equal length
-- ({"columns": {"cell": [...], "z": [...]}, "geometry": ...}), kept apart from analyses so
-- listing runs never reads megabytes of per-cell values.
CREATE TABLE analysis_results (
  analysis_id  integer PRIMARY KEY REFERENCES analyses (id) ON DELETE CASCADE,
  result       jsonb NOT NULL
);
