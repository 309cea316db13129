-- Whether the suspension of code methods (consecutive failures at the ceiling) has been recorded: of several wrong
-- codes racing past the ceiling, exactly one sets it and writes the audit event. A right code clears it.
alter table code_attempts add column suspension_noted boolean not null default false;
