-- The refresh tokens an application's authorization gave before its current one (each refresh replaces it), by
-- SHA-256, with when each was replaced, so that one presented again is recognised as a copy in use and the
-- authorization is ended (oidc/SpentRefreshTokens; RFC 9700, section 4.14.2). They go with their authorization.
-- Nodes of the version before do not write here: a refresh token one of them replaced is refused when used again,
-- as before, without more.
create table spent_refresh_tokens (
    hash             varchar(64) primary key,
    authorization_id varchar(100) not null references oauth2_authorization (id) on delete cascade,
    spent_at         timestamp with time zone not null
);
create index spent_refresh_tokens_authorization on spent_refresh_tokens (authorization_id);
