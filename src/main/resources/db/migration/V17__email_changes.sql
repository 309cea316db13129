-- User details: a change of a user's sign-in (contact) email waits here until the link emailed to the new address
-- is used. Valid 24 hours, single use; only the token's SHA-256 is kept. A newer request, a cancel or a completed
-- change ends the user's other pending ones (ended_at set). The new address is checked again for being free when the
-- link is used (the users table's unique constraint decides).
create table email_changes (
    id         uuid                     primary key,
    user_id    uuid                     not null references users (id),
    new_email  varchar(320)             not null,
    token_hash varchar(64)              not null,
    created_at timestamp with time zone not null,
    expires_at timestamp with time zone not null,
    ended_at   timestamp with time zone,
    constraint email_changes_token unique (token_hash)
);
create index email_changes_user on email_changes (user_id);
