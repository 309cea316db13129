-- Web Authentication (security keys, Touch ID / Face ID / Windows Hello). Written once for both H2 (MODE=PostgreSQL,
-- DATABASE_TO_LOWER) and PostgreSQL. Binary values are base64url text without padding, as WebAuthn itself writes them.

-- The WebAuthn user handle of each user: 32 random bytes, the same for all their credentials, never personal data
-- (authenticators store it and may show it to anyone holding the device). Created on first use.
create table webauthn_users (
    user_id     uuid                     primary key references users (id),
    user_handle varchar(100)             not null,
    created_at  timestamp with time zone not null,
    constraint webauthn_users_handle unique (user_handle)
);

-- So that a credential row can only point at a method row of its own user (the foreign key below).
alter table second_factors add constraint second_factors_id_user unique (id, user_id);

-- One row per registered credential, beside the second_factors row that makes it a method of the user (type
-- WEBAUTHN; that row's label is the credential's name, its created_at and last_used_at are the credential's).
-- Removing that row through the core removes the credential with it. A credential id is unique over all users, so one
-- credential can never belong to two of them. Keys imported from a U2F-era system (docs/webauthn-u2f-import.md) carry
-- their raw X9.62 public key in public_key_u2f instead of public_key_cose.
create table webauthn_credentials (
    id                 uuid          primary key,
    factor_id          uuid          not null,
    user_id            uuid          not null references users (id),
    credential_id      varchar(1400) not null,
    public_key_cose    varchar(2000),
    public_key_u2f     varchar(100),
    signature_count    bigint        not null default 0,
    -- The authenticator model (32 hex digits) and the attestation statement format ('packed', 'fido-u2f', 'none',
    -- ...), kept for a later AAGUID allow-list; zeros / 'none' when the browser did not share them.
    aaguid             varchar(32)   not null default '00000000000000000000000000000000',
    attestation_format varchar(32)   not null default 'none',
    -- Transports the browser reported (comma-separated: usb, nfc, ble, internal, hybrid), a hint for sign-in.
    transports         varchar(200)  not null default '',
    kind               varchar(20)   not null,
    -- Set when a signature counter went backwards: the key may have been copied, and it is refused from then on.
    possibly_cloned    boolean       not null default false,
    constraint webauthn_credentials_factor foreign key (factor_id, user_id)
        references second_factors (id, user_id) on delete cascade,
    constraint webauthn_credentials_credential unique (credential_id),
    constraint webauthn_credentials_one_per_factor unique (factor_id),
    constraint webauthn_credentials_kind check (kind in ('THIS_DEVICE', 'SECURITY_KEY', 'PHONE')),
    constraint webauthn_credentials_key check (public_key_cose is not null or public_key_u2f is not null)
);
create index webauthn_credentials_user on webauthn_credentials (user_id);

-- Challenges already answered, so that each is used once even when two nodes get the same answer at the same moment
-- (the session that holds a ceremony is saved only after the request). One INSERT decides; rows go after expiry.
create table webauthn_used_challenges (
    challenge  varchar(100)             primary key,
    expires_at timestamp with time zone not null
);
create index webauthn_used_challenges_expiry on webauthn_used_challenges (expires_at);
