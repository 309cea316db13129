-- An invitation goes with its sender's right to invite (stop 30): from now on MemberService revokes a sender's open
-- invitations when they are removed or made a member. Those left open before, by senders who no longer manage the
-- account, are revoked here, so that none comes back to life if its sender is made an admin again.
update invitations set revoked_at = current_timestamp
where accepted_at is null and revoked_at is null
  and not exists (select 1 from memberships m where m.account_id = invitations.account_id
                  and m.user_id = invitations.invited_by and m.role in ('OWNER', 'ADMIN'));
