-- "Forgot password?" requests answered but not yet worked on (user/PasswordResets): the page answers at once, the
-- same for every address, and the address is looked up, the link stored and its email queued 200-500 ms later. Until
-- stop 36 that waiting work lived in the answering node's memory, and a node that stopped or died lost it. Now the
-- answer writes a row (for every address, so it costs the same whether the address has a user), the node works on it
-- when it is due, and any node takes a row left overdue (or put off after a failure). The address is sealed (AES-GCM
-- with the node's sealing key), never stored plain. A row is deleted in the transaction that stores the link.
create table password_reset_requests (
    id           uuid                     primary key,
    address      varchar(2000)            not null,
    ip           varchar(45)              not null,
    user_agent   varchar(256)             not null,
    -- requested_at on the application's clock (the email says when); due_at (the next try, put off 30 s after a
    -- failed one) and expires_at (the first due time and a link's 30 minutes: past it the request is dropped unsent)
    -- on the system clock.
    requested_at timestamp with time zone not null,
    due_at       timestamp with time zone not null,
    expires_at   timestamp with time zone not null
);
create index password_reset_requests_due on password_reset_requests (due_at);
