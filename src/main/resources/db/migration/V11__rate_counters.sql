-- The fixed-window counters that limited code sends now limit other things too (failed passwords per network,
-- sign-up emails per address and per network): one table, one mechanism (system/RateLimits).
alter table code_send_counters rename to rate_counters;
alter table rate_counters rename column sends to hits;
