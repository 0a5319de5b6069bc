-- With the catalog kept in Cassandra (ADR 9), the products table is its projection. `version`
-- cannot say which catalog version a row reflects: orders bump it when they move stock. The
-- projection keeps the catalog version it applied here (NULL while the catalog is PostgreSQL's own).
ALTER TABLE products ADD COLUMN catalog_version int;
