-- The change feed (ADR 13) also tells the listing caches which changes can move a product between
-- list pages and searches: a creation, a deletion, and any update of something besides its stock
-- (stock moved by an order or an expiry changes no filter, order or search text). The payload is
-- `id version listing`, listing being 1 or 0; the comparison leaves out only the columns an order
-- moves, so a column added later counts as listing-relevant until said otherwise. Deterministic:
-- under native replication every backend announces the same payload.
CREATE OR REPLACE FUNCTION bazaar_product_changed() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
  listing boolean;
BEGIN
  IF TG_OP = 'DELETE' THEN
    PERFORM pg_notify('bazaar_products', OLD.id::text || ' ' || (OLD.version + 1) || ' 1');
    RETURN NULL;
  END IF;
  listing := TG_OP = 'INSERT'
    OR (to_jsonb(NEW) - 'stock' - 'version' - 'updated_at')
       IS DISTINCT FROM (to_jsonb(OLD) - 'stock' - 'version' - 'updated_at');
  PERFORM pg_notify('bazaar_products', NEW.id::text || ' ' || NEW.version || ' ' || listing::int);
  RETURN NULL;
END
$$;

DROP TRIGGER products_changed ON products;
CREATE TRIGGER products_changed AFTER INSERT OR UPDATE OR DELETE ON products
  FOR EACH ROW EXECUTE FUNCTION bazaar_product_changed();
