-- Applications (OpenID Connect clients) registered by an account's owners on the account's Applications page
-- (issue 14): which account each registered client belongs to, who registered it and when. A client is looked up
-- within its account only; removing the account's row and the client's goes together (AccountClients.remove).
create table account_clients (
    registered_client_id varchar(100)             primary key references oauth2_registered_client (id) on delete cascade,
    account_id           uuid                     not null references accounts (id),
    created_by           uuid                     references users (id),
    created_at           timestamp with time zone not null
);

create index account_clients_account on account_clients (account_id, created_at);
