-- Codes sent by email or text message (DESIGN.md invariant 4). Written once for both H2 (MODE=PostgreSQL,
-- DATABASE_TO_LOWER) and PostgreSQL. Times are UTC instants.

-- One row per challenge: a user, a purpose (SIGN_IN, RECONFIRM, SETUP), the attempt it belongs to (the sign-in
-- attempt, the re-confirmation, the setup) and the channel. Only a keyed hash of the code is kept (HMAC under the
-- server key, so a copy of the database alone cannot try the million codes). A new code replaces the hash in place, so
-- the previous code stops working; a right code is used by one conditional UPDATE that clears the hash, so of parallel
-- submits exactly one succeeds. The cooldown before a new code is the same kind of UPDATE on sent_at.
create table code_challenges (
    id          uuid                     primary key,
    user_id     uuid                     not null references users (id),
    purpose     varchar(10)              not null,
    attempt_id  uuid                     not null,
    channel     varchar(10)              not null,
    -- Where the code went: an email address or an E.164 number. Rows are deleted a day after they expire.
    destination varchar(320)             not null,
    code_hash   varchar(100),
    sends       int                      not null default 1,
    -- The outbox row of the latest code, withdrawn if still undelivered when a new code replaces it.
    message_id  uuid,
    created_at  timestamp with time zone not null,
    sent_at     timestamp with time zone not null,
    expires_at  timestamp with time zone not null,
    used_at     timestamp with time zone,
    constraint code_challenges_attempt unique (user_id, purpose, attempt_id, channel),
    constraint code_challenges_purpose check (purpose in ('SIGN_IN', 'RECONFIRM', 'SETUP')),
    constraint code_challenges_channel check (channel in ('EMAIL', 'SMS'))
);
create index code_challenges_expires on code_challenges (expires_at);

-- Abuse limits on sending codes: one counter per scope (a user or an IP address, with the window length) and fixed
-- window. A send takes one from every limit with a conditional UPDATE each (sends < limit), in one transaction: the
-- row locks serialise nodes, so no two of them can both take the last send of a window.
create table code_send_counters (
    scope        varchar(100)             not null,
    window_start timestamp with time zone not null,
    window_end   timestamp with time zone not null,
    sends        int                      not null default 0,
    primary key (scope, window_start)
);
create index code_send_counters_end on code_send_counters (window_end);
