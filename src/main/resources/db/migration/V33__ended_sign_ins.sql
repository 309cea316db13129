-- One signed-in session ended on its own (Sessions > Sign out, or an administrator through the API), by a hash of
-- its sign-in's handle (SignedInUser.signIn). Deleting the session's row alone missed a copy that one of its own
-- requests, loaded before the delete, moved to a new row afterwards (a re-confirmation, a rename: every renewal
-- writes a new row with everything the old one held). A session or an application's authorization of an ended
-- sign-in is refused at its next use, on whichever node. A row is kept as long as such a session or authorization
-- could still be used (signin/EndedSignIns). Nodes of the version before neither write nor read here:
-- during a rolling upgrade, a sign-out made on one of them ends the session's row only, as it did.
create table ended_sign_ins (
    sign_in  varchar(64)              primary key,
    user_id  uuid                     not null references users (id) on delete cascade,
    ended_at timestamp with time zone not null
);
create index ended_sign_ins_ended_at on ended_sign_ins (ended_at);
create index ended_sign_ins_user on ended_sign_ins (user_id);
