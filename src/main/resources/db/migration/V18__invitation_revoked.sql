-- An owner or admin can take an invitation back before it is used: the link then stops working, and the row stays as
-- a record of what was sent (written once for both H2 (MODE=PostgreSQL) and PostgreSQL).
alter table invitations add column revoked_at timestamp with time zone;
