-- A user's own phone number (User details), kept apart from the text-message method's number: an account that
-- allows text messages may require every member to have one on file before they set the method up.
-- E.164 ("+441632960961"); null: none given. phone_verified_at: when a code sent to it was typed back; null: not yet.
alter table users add column phone varchar(16);
alter table users add column phone_verified_at timestamp with time zone;

-- The phone number an admin gave when inviting someone to an account that requires one; it becomes the new member's
-- (unverified) phone when the invitation is accepted.
alter table invitations add column phone varchar(16);
