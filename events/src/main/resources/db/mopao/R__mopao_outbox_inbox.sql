-- Transactional outbox and consumer inbox, shared by every Mopao service that owns a database.
-- A repeatable Flyway migration: services add `classpath:db/mopao` to quarkus.flyway.locations.

CREATE TABLE IF NOT EXISTS mopao_outbox (
    seq          BIGSERIAL PRIMARY KEY,
    event_id     UUID        NOT NULL UNIQUE,
    topic        TEXT        NOT NULL,
    record_key   TEXT        NOT NULL,
    event_type   TEXT        NOT NULL,
    payload      TEXT        NOT NULL,
    traceparent  TEXT,
    created_at   TIMESTAMPTZ NOT NULL DEFAULT now(),
    published_at TIMESTAMPTZ,
    attempts     INTEGER     NOT NULL DEFAULT 0,
    last_error   TEXT
);

CREATE INDEX IF NOT EXISTS mopao_outbox_pending ON mopao_outbox (seq) WHERE published_at IS NULL;

CREATE TABLE IF NOT EXISTS mopao_inbox (
    event_id     TEXT        NOT NULL,
    consumer     TEXT        NOT NULL,
    processed_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    PRIMARY KEY (consumer, event_id)
);
