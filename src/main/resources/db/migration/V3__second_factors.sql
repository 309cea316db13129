-- Enrolled second factors: one credential table, secret and public data apart (Keycloak's lesson). A row exists only
-- once enrolment is complete: a setup left unfinished lives in the session and leaves nothing here.
create table second_factors (
    id             uuid                     primary key,
    user_id        uuid                     not null references users (id),
    type           varchar(20)              not null,
    label          varchar(100)             not null,
    secret_sealed  varchar(1000),
    public_data    varchar(4000),
    last_used_step bigint,
    created_at     timestamp with time zone not null,
    last_used_at   timestamp with time zone,
    constraint second_factors_type check (type in ('TOTP', 'EMAIL', 'SMS', 'WEBAUTHN'))
);
create index second_factors_user on second_factors (user_id);

-- Wrong-code counting per user, shared by every node. Each change is one conditional UPDATE, so parallel guesses
-- cannot overtake the count.
create table code_attempts (
    user_id              uuid                     primary key references users (id),
    failures             int                      not null default 0,
    consecutive_failures int                      not null default 0,
    lock_count           int                      not null default 0,
    locked_until         timestamp with time zone
);

-- The account rule "two-factor authentication required"; the admin page that sets it comes with the admin issue.
alter table accounts add column require_two_factor boolean not null default false;
