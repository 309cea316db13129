-- The account's activity page (/accounts/{id}/activity) reads the events recorded on one account, newest first;
-- members' own events are found through audit_events_user.
create index audit_events_account on audit_events (account_id, occurred_at);
