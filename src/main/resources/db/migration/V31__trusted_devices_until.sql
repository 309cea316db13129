-- A trusted device is trusted at most until this moment: when it was added plus the period in force then, cut short
-- whenever an account of its user shortens its period or the user joins an account with a shorter one. A device is
-- still judged against the period in force at each use too. Without it, trust that a shorter period had ended came
-- back when the period grew again or the user left the account that set it (found by a review in stop 31). Null for
-- devices added before: judged against the period in force only.
alter table trusted_devices add column trusted_until timestamp with time zone;
