-- Conditions that make two-step verification mandatory for an account whatever its admins' switch says. The first
-- one: the relying application reports that the account has placed orders (when it first did).
alter table accounts add column orders_placed_at timestamp with time zone;
