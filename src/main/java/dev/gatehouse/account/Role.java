package dev.gatehouse.account;

/** A user's role in one account. */
public enum Role {
    OWNER, ADMIN, MEMBER;

    /** Owners and admins see Account settings, invite people and (later) set the account's security rules. */
    public boolean canManage() {
        return this != MEMBER;
    }
}
