-- Names are limited to a number of characters (code points: Inputs.NAME_MAX, CredentialName.MAX_LENGTH,
-- AccountDetailsService.LINE_MAX / POSTAL_CODE_MAX). PostgreSQL's varchar(n) counts code points too, but H2's counts
-- UTF-16 units, so on H2 (the trial) 51-100 emoji in a name passed the check and failed the insert: a 500 for a
-- valid input. Twice the limit fits any allowed value on both. Widening a varchar is safe with old nodes running.
alter table users alter column display_name set data type varchar(200);
alter table accounts alter column name set data type varchar(200);
alter table signup_requests alter column display_name set data type varchar(200);
alter table signup_requests alter column account_name set data type varchar(200);
alter table second_factors alter column label set data type varchar(200);
alter table accounts alter column address_line1 set data type varchar(200);
alter table accounts alter column address_line2 set data type varchar(200);
alter table accounts alter column address_city set data type varchar(200);
alter table accounts alter column address_postal_code set data type varchar(40);
