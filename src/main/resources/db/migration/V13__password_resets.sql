-- "Forgot password?": a single-use link by email, valid 30 minutes. Only the token's SHA-256 is kept. A newer link,
-- or a reset done, ends every other link of the user (used_at set).
create table password_resets (
    id         uuid                     primary key,
    user_id    uuid                     not null references users (id),
    token_hash varchar(64)              not null,
    created_at timestamp with time zone not null,
    expires_at timestamp with time zone not null,
    used_at    timestamp with time zone,
    constraint password_resets_token unique (token_hash)
);
create index password_resets_user on password_resets (user_id);
