-- The user's time zone (an IANA id such as Europe/London), for showing times on pages and in emails.
-- Null: not known yet (no JavaScript at sign-in and never chosen), times are shown in UTC.
alter table users add column time_zone varchar(64);
