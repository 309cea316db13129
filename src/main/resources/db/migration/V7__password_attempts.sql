-- Wrong passwords per email address, known or not, so online guessing is slowed the same for every address and the
-- pause itself tells nobody whether an address has a user. The subject is a keyed hash of the normalized address
-- (under the sealing key, which is not in the database), never the address itself.
create table password_attempts (
    subject      varchar(100)             primary key,
    failures     int                      not null default 0,
    lock_count   int                      not null default 0,
    locked_until timestamp with time zone,
    updated_at   timestamp with time zone not null
);

create index password_attempts_updated on password_attempts (updated_at);
