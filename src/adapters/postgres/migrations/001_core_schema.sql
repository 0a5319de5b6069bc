-- Core schema. Every write the application makes passes its own ids and timestamps: no now(),
-- random() or sequences in writes, so statement replication keeps every backend identical.

CREATE TABLE users (
  id            uuid PRIMARY KEY,
  email         text NOT NULL,
  name          text NOT NULL,
  role          text NOT NULL CHECK (role IN ('customer', 'admin')),
  password_hash text NOT NULL,
  created_at    timestamptz NOT NULL,
  updated_at    timestamptz NOT NULL,
  deleted_at    timestamptz
);
-- Case-insensitive uniqueness among live accounts; a deleted account frees its email.
CREATE UNIQUE INDEX users_email_live_key ON users (lower(email)) WHERE deleted_at IS NULL;
CREATE INDEX users_list_idx ON users (created_at DESC, id DESC) WHERE deleted_at IS NULL;

CREATE TABLE products (
  id          uuid PRIMARY KEY,
  sku         text NOT NULL,
  name        text NOT NULL,
  description text NOT NULL DEFAULT '',
  category    text NOT NULL,
  price       bigint NOT NULL CHECK (price >= 0),
  currency    char(3) NOT NULL,
  stock       integer NOT NULL CHECK (stock >= 0),
  attributes  jsonb NOT NULL DEFAULT '{}'::jsonb,
  version     integer NOT NULL,
  created_at  timestamptz NOT NULL,
  updated_at  timestamptz NOT NULL,
  deleted_at  timestamptz
);
CREATE UNIQUE INDEX products_sku_live_key ON products (sku) WHERE deleted_at IS NULL;
-- One index per list order, each ending in id so that pages never repeat or skip items.
CREATE INDEX products_created_idx ON products (created_at, id) WHERE deleted_at IS NULL;
CREATE INDEX products_price_idx ON products (price, id) WHERE deleted_at IS NULL;
CREATE INDEX products_name_idx ON products (name, id) WHERE deleted_at IS NULL;
CREATE INDEX products_category_created_idx ON products (category, created_at, id) WHERE deleted_at IS NULL;
CREATE INDEX products_category_price_idx ON products (category, price, id) WHERE deleted_at IS NULL;
CREATE INDEX products_category_name_idx ON products (category, name, id) WHERE deleted_at IS NULL;

CREATE TABLE cart_items (
  user_id    uuid NOT NULL,
  product_id uuid NOT NULL,
  quantity   integer NOT NULL CHECK (quantity BETWEEN 1 AND 999),
  updated_at timestamptz NOT NULL,
  PRIMARY KEY (user_id, product_id)
);

CREATE TABLE orders (
  id               uuid PRIMARY KEY,
  user_id          uuid NOT NULL,
  status           text NOT NULL CHECK (status IN ('pending_payment', 'paid', 'shipped', 'delivered', 'cancelled')),
  total            bigint NOT NULL CHECK (total >= 0),
  currency         char(3) NOT NULL,
  shipping_address jsonb,
  idempotency_key  text NOT NULL,
  request_hash     text NOT NULL,
  created_at       timestamptz NOT NULL,
  updated_at       timestamptz NOT NULL,
  expires_at       timestamptz NOT NULL,
  deleted_at       timestamptz
);
-- The idempotency key is scoped to the caller; the unique index makes a racing replay lose cleanly.
CREATE UNIQUE INDEX orders_idempotency_key ON orders (user_id, idempotency_key);
CREATE INDEX orders_user_idx ON orders (user_id, created_at DESC, id DESC) WHERE deleted_at IS NULL;
CREATE INDEX orders_user_status_idx ON orders (user_id, status, created_at DESC, id DESC) WHERE deleted_at IS NULL;
CREATE INDEX orders_expiry_idx ON orders (expires_at, id) WHERE status = 'pending_payment';

CREATE TABLE order_items (
  order_id   uuid NOT NULL REFERENCES orders (id),
  line_no    integer NOT NULL,
  product_id uuid NOT NULL,
  name       text NOT NULL,
  unit_price bigint NOT NULL CHECK (unit_price >= 0),
  quantity   integer NOT NULL CHECK (quantity > 0),
  line_total bigint NOT NULL CHECK (line_total >= 0),
  PRIMARY KEY (order_id, line_no)
);
