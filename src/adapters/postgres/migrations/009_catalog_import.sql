-- How far the last catalog import got (bazaar import): written with each batch, in its transaction
-- when the catalog is PostgreSQL's, so `--resume` continues exactly after the last batch written.
CREATE TABLE catalog_import_checkpoint (
  id         int PRIMARY KEY CHECK (id = 1),
  file       text NOT NULL,
  mapping    text NOT NULL,
  last_key   jsonb,
  batch      int NOT NULL,
  counts     jsonb NOT NULL,
  finished   boolean NOT NULL,
  updated_at timestamptz NOT NULL
);
