-- The account's two-step verification rules, set by its owners and admins (Account > Settings > Security).
-- require_two_factor (V3) and device_trust_period (V4) are already here; these complete them.

-- Days a member without a method may still skip setting one up, counted from when the rule reached them
-- (it was turned on, or they joined, whichever is later).
alter table accounts add column two_factor_grace_days integer not null default 0;
alter table accounts add constraint accounts_two_factor_grace check (two_factor_grace_days in (0, 1, 3, 7, 14));
-- When the requirement was last turned on; null while it is off.
alter table accounts add column two_factor_required_since timestamp with time zone;
-- The methods members may use, as comma-separated method names (e.g. TOTP,WEBAUTHN); null: every method.
alter table accounts add column allowed_methods varchar(200);
