-- Messages in a final state are deleted after a retention period (gatehouse.outbox.retention), found by age.
create index outbox_created on outbox (created_at);
