-- Order events (the transactional outbox) and the notifications made from them.
--
-- Every status change of an order writes its event in the same statement as the change: no change
-- without its event, no event without its change. `orders.events` counts them, so an event's
-- per-order sequence number is the count the change itself wrote (deterministic on every backend
-- under statement replication: the order's row is written, hence locked, by the change).
ALTER TABLE orders ADD COLUMN events integer NOT NULL DEFAULT 0;

CREATE TABLE order_events (
  id           uuid PRIMARY KEY,
  order_id     uuid NOT NULL REFERENCES orders (id),
  user_id      uuid NOT NULL,
  seq          integer NOT NULL,
  status       text NOT NULL,
  cause        text NOT NULL CHECK (cause IN ('customer', 'admin', 'expiry')),
  total        bigint NOT NULL,
  currency     char(3) NOT NULL,
  occurred_at  timestamptz NOT NULL,
  published_at timestamptz,
  UNIQUE (order_id, seq)
);
-- The relay reads what is left to publish, oldest first.
CREATE INDEX order_events_unpublished ON order_events (id) WHERE published_at IS NULL;

-- One relay publishes at a time: it holds a lease it renews; another takes over once it lapses.
CREATE TABLE relay_leases (
  name   text PRIMARY KEY,
  holder text NOT NULL,
  until  timestamptz NOT NULL
);
INSERT INTO relay_leases (name, holder, until) VALUES ('order-events', '', '-infinity');

-- The notifier's side: per order, the last sequence number applied (its row is the lock of the
-- order's inbox), events held until their predecessor comes, and the notifications themselves.
CREATE TABLE notification_progress (
  order_id    uuid PRIMARY KEY,
  last_applied integer NOT NULL
);
CREATE TABLE notification_held (
  event_id uuid PRIMARY KEY,
  order_id uuid NOT NULL,
  seq      integer NOT NULL,
  event    jsonb NOT NULL,
  UNIQUE (order_id, seq)
);
CREATE TABLE notifications (
  id         uuid PRIMARY KEY,
  user_id    uuid NOT NULL,
  order_id   uuid NOT NULL,
  event_id   uuid NOT NULL UNIQUE,
  seq        integer NOT NULL,
  status     text NOT NULL,
  text_ru    text NOT NULL,
  text_en    text NOT NULL,
  created_at timestamptz NOT NULL
);
CREATE INDEX notifications_by_user ON notifications (user_id, created_at DESC, id DESC);
