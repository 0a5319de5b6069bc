-- Every committed change of a product row is announced to the API instances listening on this
-- server (ADR 13), so that their product caches forget it: an admin edit or delete, and stock
-- moved by an order, a cancellation or the expiry job alike. NOTIFY is delivered on commit only.
-- Under pgpool-II's native replication every backend runs the change and announces it; in
-- streaming mode the primary does (a standby cannot be listened on). The payload is the id and
-- the version the change made, so a cache never keeps an older copy read from a lagging standby.
CREATE FUNCTION bazaar_product_changed() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'DELETE' THEN
    PERFORM pg_notify('bazaar_products', OLD.id::text || ' ' || (OLD.version + 1));
  ELSE
    PERFORM pg_notify('bazaar_products', NEW.id::text || ' ' || NEW.version);
  END IF;
  RETURN NULL;
END
$$;

CREATE TRIGGER products_changed AFTER UPDATE OR DELETE ON products
  FOR EACH ROW EXECUTE FUNCTION bazaar_product_changed();
