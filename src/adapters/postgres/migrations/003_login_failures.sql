-- Failed logins, shared by every API instance so that throttling holds behind a load balancer.
-- One row per failure; rows older than the window are removed as new failures arrive.
CREATE TABLE login_failures (
  key    text NOT NULL,
  at     timestamptz NOT NULL,
  id     uuid NOT NULL PRIMARY KEY
);
CREATE INDEX login_failures_key_idx ON login_failures (key, at);
