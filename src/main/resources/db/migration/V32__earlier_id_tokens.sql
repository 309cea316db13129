-- The ID tokens an application's authorization gave before its current one (each refresh replaces it), by SHA-256,
-- so that the application's sign-out with one of them is taken as with the current one (oidc/EarlierIdTokens).
-- They go with their authorization. Nodes of the version before do not write here: a sign-out with an ID token
-- that one of them replaced is refused, as it was before.
create table earlier_id_tokens (
    hash             varchar(64) primary key,
    authorization_id varchar(100) not null references oauth2_authorization (id) on delete cascade
);
create index earlier_id_tokens_authorization on earlier_id_tokens (authorization_id);
