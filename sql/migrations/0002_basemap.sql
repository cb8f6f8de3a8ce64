-- Streets, water and points of interest: the base map drawn from Wangge's own data, and the
-- street network patrol routing and street-following cells are built from. EPSG:4326.
CREATE TABLE streets (
  id           bigserial PRIMARY KEY,
  network      text NOT NULL DEFAULT 'default',
  external_id  text,
  class        text,
  name_zh      text,
  name_en      text,
  low_lying    boolean NOT NULL DEFAULT false,
  geom         geometry(LineString, 4326) NOT NULL,
  length_m     double precision NOT NULL,
  attrs        jsonb NOT NULL DEFAULT '{}'::jsonb
);
CREATE INDEX streets_geom_gist ON streets USING gist (geom);
CREATE INDEX streets_network ON streets (network);

CREATE TABLE water (
  id       serial PRIMARY KEY,
  kind     text NOT NULL,
  name_zh  text,
  name_en  text,
  geom     geometry(Geometry, 4326) NOT NULL
);
CREATE INDEX water_geom_gist ON water USING gist (geom);

CREATE TABLE pois (
  id           serial PRIMARY KEY,
  external_id  text,
  kind         text NOT NULL,
  name_zh      text,
  name_en      text,
  geom         geometry(Point, 4326) NOT NULL,
  attrs        jsonb NOT NULL DEFAULT '{}'::jsonb
);
CREATE INDEX pois_geom_gist ON pois USING gist (geom);
