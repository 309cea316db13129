-- The OpenID Connect provider (issue 14): Spring Authorization Server's three JDBC stores, so that every node issues
-- and accepts the same codes, tokens and consents, and the provider's signing keys.
-- The stock schema's 'blob' columns are unbounded varchar here and its 'timestamp' columns carry the time zone: the
-- same script then runs on H2 (MODE=PostgreSQL) and PostgreSQL, and both report the same JDBC type (VARCHAR) to the
-- store, which reads that type once per JVM (JdbcOAuth2AuthorizationService keeps it in a static map).

create table oauth2_registered_client (
    id                            varchar(100) primary key,
    client_id                     varchar(100) not null unique,
    client_id_issued_at           timestamp with time zone default current_timestamp not null,
    client_secret                 varchar(200),
    client_secret_expires_at      timestamp with time zone,
    client_name                   varchar(200) not null,
    client_authentication_methods varchar(1000) not null,
    authorization_grant_types     varchar(1000) not null,
    redirect_uris                 varchar(1000),
    post_logout_redirect_uris     varchar(1000),
    scopes                        varchar(1000) not null,
    client_settings               varchar(2000) not null,
    token_settings                varchar(2000) not null
);

create table oauth2_authorization (
    id                            varchar(100) primary key,
    registered_client_id          varchar(100) not null,
    principal_name                varchar(200) not null,
    authorization_grant_type      varchar(100) not null,
    authorized_scopes             varchar(1000),
    attributes                    varchar,
    state                         varchar(500),
    authorization_code_value      varchar,
    authorization_code_issued_at  timestamp with time zone,
    authorization_code_expires_at timestamp with time zone,
    authorization_code_metadata   varchar,
    access_token_value            varchar,
    access_token_issued_at        timestamp with time zone,
    access_token_expires_at       timestamp with time zone,
    access_token_metadata         varchar,
    access_token_type             varchar(100),
    access_token_scopes           varchar(1000),
    oidc_id_token_value           varchar,
    oidc_id_token_issued_at       timestamp with time zone,
    oidc_id_token_expires_at      timestamp with time zone,
    oidc_id_token_metadata        varchar,
    refresh_token_value           varchar,
    refresh_token_issued_at       timestamp with time zone,
    refresh_token_expires_at      timestamp with time zone,
    refresh_token_metadata        varchar,
    user_code_value               varchar,
    user_code_issued_at           timestamp with time zone,
    user_code_expires_at          timestamp with time zone,
    user_code_metadata            varchar,
    device_code_value             varchar,
    device_code_issued_at         timestamp with time zone,
    device_code_expires_at        timestamp with time zone,
    device_code_metadata          varchar
);
-- Every token is looked up by its value; a user's authorizations are revoked together (TokenRevocations).
create index oauth2_authorization_code on oauth2_authorization (authorization_code_value);
create index oauth2_authorization_access on oauth2_authorization (access_token_value);
create index oauth2_authorization_refresh on oauth2_authorization (refresh_token_value);
create index oauth2_authorization_id_token on oauth2_authorization (oidc_id_token_value);
create index oauth2_authorization_state on oauth2_authorization (state);
create index oauth2_authorization_principal on oauth2_authorization (principal_name);

create table oauth2_authorization_consent (
    registered_client_id varchar(100) not null,
    principal_name       varchar(200) not null,
    authorities          varchar(1000) not null,
    primary key (registered_client_id, principal_name)
);

-- Signing keys of ID and access tokens. The private key is sealed (SecretSealer, context 'oidc-signing-key:<kid>');
-- the public one is a JWK. 'active' is 1 on the one key that signs and null on retired ones: its unique constraint lets
-- only one node create the first key, however many start at once. A retired key stays published in the JWK set until
-- the tokens it signed have expired.
create table oidc_signing_keys (
    kid                varchar(64) primary key,
    algorithm          varchar(16) not null,
    public_jwk         varchar(4000) not null,
    private_key_sealed varchar(8000) not null,
    created_at         timestamp with time zone not null,
    retired_at         timestamp with time zone,
    active             smallint unique check (active = 1)
);
