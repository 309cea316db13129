package dev.gatehouse.testsupport;

import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;

import org.springframework.context.ApplicationContext;

import dev.gatehouse.account.AccountService;
import dev.gatehouse.user.PasswordHasher;
import dev.gatehouse.user.User;
import dev.gatehouse.user.UserService;

/** Creates users with an account directly through the services, for tests about what comes after sign-up. */
public final class TestUsers {

    public static final String PASSWORD = "correct horse battery staple";
    private static final AtomicInteger SEQUENCE = new AtomicInteger();

    private final UserService users;
    private final AccountService accounts;
    private final PasswordHasher hasher;

    public TestUsers(ApplicationContext context) {
        this.users = context.getBean(UserService.class);
        this.accounts = context.getBean(AccountService.class);
        this.hasher = context.getBean(PasswordHasher.class);
    }

    public record Created(User user, UUID accountId, String password) {
        public String email() {
            return user.email();
        }
    }

    /** A new user with a unique address, the owner of a new account. */
    public Created create(String namePrefix) {
        String email = namePrefix + "-" + SEQUENCE.incrementAndGet() + "-" + UUID.randomUUID().toString().substring(0, 8)
                + "@example.com";
        User user = users.create(email, namePrefix, hasher.hash(PASSWORD)).orElseThrow();
        UUID accountId = accounts.createWithOwner(namePrefix + " Ltd", user.id());
        return new Created(user, accountId, PASSWORD);
    }
}
