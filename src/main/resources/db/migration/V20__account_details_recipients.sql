-- The account's own details (Account settings > Details): who the customer is and how to reach them. All optional;
-- the contact phone in E.164 ("+441632960961"), the country as ISO 3166 alpha-2 ("GB").
alter table accounts add column contact_email varchar(254);
alter table accounts add column contact_phone varchar(16);
alter table accounts add column address_line1 varchar(100);
alter table accounts add column address_line2 varchar(100);
alter table accounts add column address_city varchar(100);
alter table accounts add column address_postal_code varchar(20);
alter table accounts add column address_country varchar(2);

-- Who receives the account's security alerts (rules changed, a member's two-step verification reset, a member
-- locked out of code entry): the owners and/or the admins, plus the confirmed extra addresses below.
alter table accounts add column alerts_to_owners boolean default true not null;
alter table accounts add column alerts_to_admins boolean default false not null;

-- An extra address for the alerts. It receives nothing until confirmed_at is set by its single-use link (only the
-- token's SHA-256 is kept; token_hash is cleared when used). A newer link for the same address replaces the old one.
create table account_alert_addresses (
    id               uuid                     primary key,
    account_id       uuid                     not null references accounts (id),
    email            varchar(254)             not null,
    email_normalized varchar(254)             not null,
    token_hash       varchar(64),
    created_at       timestamp with time zone not null,
    expires_at       timestamp with time zone not null,
    confirmed_at     timestamp with time zone,
    added_by         uuid                     not null references users (id),
    constraint account_alert_addresses_email unique (account_id, email_normalized),
    constraint account_alert_addresses_token unique (token_hash)
);
