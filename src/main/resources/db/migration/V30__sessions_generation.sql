-- Ending all of a user's sessions (sign out everywhere, a password change or reset, a method added or removed) raises
-- this number; a signed-in or pending session made under a lower one is ended at its next request. Deleting the
-- session rows alone missed a session that one of its own requests, loaded before the delete, moved to a new row
-- afterwards (found by an outside attack in stop 31).
alter table users add column sessions_generation bigint default 0 not null;
