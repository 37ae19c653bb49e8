-- Operations and their event logs. ${prefix} is the store's table prefix; the schema is the
-- store's own (Flyway sets the search path to it).

CREATE TABLE ${prefix}operations (
    id               text        PRIMARY KEY,
    type             text        NOT NULL,
    owner            text,
    status           text        NOT NULL,
    percent_complete integer     NOT NULL,
    message          text,
    input            jsonb,
    result           jsonb,
    error            jsonb,
    checkpoint       jsonb,
    idempotency_key  text,
    fingerprint      text,
    created_at       timestamptz NOT NULL,
    started_at       timestamptz,
    finished_at      timestamptz,
    attempts         integer     NOT NULL,
    rescues          integer     NOT NULL,
    not_before       timestamptz,
    cancel_requested boolean     NOT NULL,
    lease_owner      text,
    lease_until      timestamptz,
    fencing_token    bigint      NOT NULL,
    version          bigint      NOT NULL,
    last_event_id    bigint      NOT NULL
);

-- An idempotency key is unique per owner; operations without owner share one scope, apart from
-- an owner named '' (hence the IS NULL term).
CREATE UNIQUE INDEX ${prefix}operations_idempotency
    ON ${prefix}operations (COALESCE(owner, ''), (owner IS NULL), idempotency_key)
    WHERE idempotency_key IS NOT NULL;

-- What claim() scans: queued work oldest first, and running work whose lease may have lapsed.
CREATE INDEX ${prefix}operations_queued ON ${prefix}operations (created_at) WHERE status = 'notStarted';
CREATE INDEX ${prefix}operations_leased ON ${prefix}operations (lease_until) WHERE status = 'running';

-- list(): one owner's operations newest first; purge(): the finished ones by age.
CREATE INDEX ${prefix}operations_by_owner ON ${prefix}operations (owner, created_at DESC, id DESC);
CREATE INDEX ${prefix}operations_finished ON ${prefix}operations (finished_at) WHERE finished_at IS NOT NULL;

CREATE TABLE ${prefix}operation_events (
    operation_id text   NOT NULL REFERENCES ${prefix}operations (id) ON DELETE CASCADE,
    event_id     bigint NOT NULL,
    kind         text   NOT NULL,
    snapshot     jsonb  NOT NULL,
    PRIMARY KEY (operation_id, event_id)
);
