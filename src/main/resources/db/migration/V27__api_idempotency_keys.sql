-- The REST API's Idempotency-Key (issue 14, docs/api.md): the first answer to a POST with a key, kept per client and
-- key for gatehouse.api.idempotency-key-lifetime, so that a retry gets the same answer and changes nothing. A row
-- without a status is a request still running; request_hash tells a retry from another request under the same key.
create table api_idempotency_keys (
    client_id       varchar(100)             not null,
    idempotency_key varchar(255)             not null,
    request_hash    varchar(64)              not null,
    created_at      timestamp with time zone not null,
    status          integer,
    content_type    varchar(200),
    location        varchar(2000),
    body            text,
    primary key (client_id, idempotency_key)
);

create index api_idempotency_keys_created on api_idempotency_keys (created_at);
