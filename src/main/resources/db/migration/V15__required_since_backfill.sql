-- Accounts that required two-step verification before V12 have no "required since": their grace period would run
-- from each member's joining, so long-standing members could never postpone. It counts from this migration instead.
update accounts set two_factor_required_since = current_timestamp
where require_two_factor and two_factor_required_since is null;
