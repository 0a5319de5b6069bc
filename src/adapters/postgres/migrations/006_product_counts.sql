-- Live products per category, kept by a trigger in the transaction of each change, so that a list
-- page's total is a sum over a few rows instead of a count of every matching product (a page of
-- 20 counted all 10,000 products each time). Increments commute, so under statement replication
-- every backend reaches the same counts whatever order concurrent changes run in; the rows a
-- change touches are locked in category order, so two changes crossing categories cannot deadlock.
CREATE TABLE product_counts (
  category text PRIMARY KEY,
  live     integer NOT NULL
);

INSERT INTO product_counts (category, live)
  SELECT category, count(*) FROM products WHERE deleted_at IS NULL GROUP BY category ORDER BY category;

CREATE FUNCTION bazaar_count_product() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
  was text := CASE WHEN TG_OP <> 'INSERT' AND OLD.deleted_at IS NULL THEN OLD.category END;
  now_in text := CASE WHEN TG_OP <> 'DELETE' AND NEW.deleted_at IS NULL THEN NEW.category END;
BEGIN
  -- An edit that leaves a live product in its category changes no count.
  IF was IS NOT DISTINCT FROM now_in THEN
    RETURN NULL;
  END IF;
  INSERT INTO product_counts AS c (category, live)
    SELECT d.category, d.delta FROM (VALUES (was, -1), (now_in, 1)) AS d(category, delta)
    WHERE d.category IS NOT NULL ORDER BY d.category
  ON CONFLICT (category) DO UPDATE SET live = c.live + EXCLUDED.live;
  RETURN NULL;
END
$$;

CREATE TRIGGER products_counted AFTER INSERT OR UPDATE OF category, deleted_at OR DELETE ON products
  FOR EACH ROW EXECUTE FUNCTION bazaar_count_product();
