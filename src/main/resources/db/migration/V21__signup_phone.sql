-- The owner's mobile number typed on the sign-up form while new accounts start with text-message codes on
-- (gatehouse.accounts.text-messages-by-default); E.164, null when not asked. It becomes the user's phone on file.
alter table signup_requests add column phone varchar(16);
