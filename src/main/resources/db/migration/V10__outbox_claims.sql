-- Who holds a message's current claim (a random token per claim), so that a relay whose claim ran out and was taken
-- over by another cannot overwrite the other's state; and how often the message was claimed, so that one whose
-- delivery never comes back (its node dies each time) is given up instead of being claimed forever.
alter table outbox add column claim_token varchar(36);
alter table outbox add column claims int not null default 0;
