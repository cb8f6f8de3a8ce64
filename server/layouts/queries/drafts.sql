-- The builder's draft cells (temporary, dropped at commit); see server/layouts/types.ts.
-- geom may be SRID 4326 or the layout's metric SRID; the pipeline normalises it.
CREATE TEMP TABLE layout_drafts (
  draft_id      serial PRIMARY KEY,
  unit_id       integer NOT NULL,
  community_id  integer,
  geom          geometry NOT NULL,
  code          text,
  attrs         jsonb NOT NULL DEFAULT '{}'::jsonb
) ON COMMIT DROP
