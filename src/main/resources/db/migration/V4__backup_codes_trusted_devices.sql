-- Backup codes: only a hash of the user id and each code is stored; a set is replaced whole (the old rows deleted in
-- the same transaction). A code is used by one conditional UPDATE (used_at is null), so of parallel uses exactly one
-- succeeds.
create table backup_codes (
    id         uuid                     primary key,
    user_id    uuid                     not null references users (id),
    code_hash  varchar(64)              not null,
    created_at timestamp with time zone not null,
    used_at    timestamp with time zone
);
create index backup_codes_user on backup_codes (user_id);

-- "Remember this device": the browser holds a 256-bit random token in a cookie; only a SHA-256 of the user id and the
-- token is here, so it is bound to one user. Its lifetime is decided when it is used, from the account's trust period
-- in force then, counted from created_at. A revoked row keeps its revoked_at, so its token never matches again.
create table trusted_devices (
    id           uuid                     primary key,
    user_id      uuid                     not null references users (id),
    token_hash   varchar(64)              not null,
    browser      varchar(100)             not null,
    user_agent   varchar(256),
    first_ip     varchar(45),
    last_ip      varchar(45),
    created_at   timestamp with time zone not null,
    last_used_at timestamp with time zone not null,
    revoked_at   timestamp with time zone,
    constraint trusted_devices_token unique (token_hash)
);
create index trusted_devices_user on trusted_devices (user_id);

-- Browsers a user has signed in from (a long-lived random cookie, hashed), so that a sign-in from a new one can be
-- announced by email.
create table known_browsers (
    user_id       uuid                     not null references users (id),
    browser_hash  varchar(64)              not null,
    first_seen_at timestamp with time zone not null,
    last_seen_at  timestamp with time zone not null,
    primary key (user_id, browser_hash)
);

-- Which method sign-in asks for first, when the user has two or more. Null: the default order.
alter table users add column primary_method varchar(20);
alter table users add constraint users_primary_method
    check (primary_method in ('TOTP', 'EMAIL', 'SMS', 'WEBAUTHN'));

-- How long a device may be trusted: THIS_SIGN_IN (never remembered), ONE_DAY, ONE_WEEK, THIRTY_DAYS.
alter table accounts add column device_trust_period varchar(20) not null default 'THIRTY_DAYS';
alter table accounts add constraint accounts_device_trust_period
    check (device_trust_period in ('THIS_SIGN_IN', 'ONE_DAY', 'ONE_WEEK', 'THIRTY_DAYS'));
