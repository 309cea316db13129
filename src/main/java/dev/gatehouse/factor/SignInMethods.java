package dev.gatehouse.factor;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;
import org.springframework.transaction.support.TransactionTemplate;

import dev.gatehouse.audit.AuditEventType;
import dev.gatehouse.audit.AuditLog;
import dev.gatehouse.system.ClientInfo;
import dev.gatehouse.user.User;

/**
 * Which of a user's methods sign-in asks for first. A method here is a {@link FactorType}: several security keys are
 * one method. With one method, that one is primary by itself; with two or more, the user's choice
 * ({@code users.primary_method}) wins while it is still active, else the method enrolled first.
 */
@Service
public class SignInMethods {

    private final FactorService factors;
    private final JdbcClient jdbc;
    private final AuditLog audit;
    private final TransactionTemplate tx;

    SignInMethods(FactorService factors, JdbcClient jdbc, AuditLog audit, TransactionTemplate tx) {
        this.factors = factors;
        this.jdbc = jdbc;
        this.audit = audit;
        this.tx = tx;
    }

    /** The user's active methods, the primary first, then in the order they were added. Empty without methods. */
    public List<FactorType> ordered(UUID userId) {
        List<FactorType> types = new ArrayList<>();
        factors.factors(userId).forEach(f -> {
            if (!types.contains(f.type())) {
                types.add(f.type());
            }
        });
        chosen(userId).filter(types::contains).ifPresent(primary -> {
            types.remove(primary);
            types.add(0, primary);
        });
        return List.copyOf(types);
    }

    /** The method sign-in asks for first; empty when the user has none. */
    public Optional<FactorType> primary(UUID userId) {
        return ordered(userId).stream().findFirst();
    }

    public sealed interface Choice {
        record Saved(FactorType primary) implements Choice { }
        /** The user has fewer than two methods: there is nothing to choose. */
        record NotOffered() implements Choice { }
        /** Not one of the user's active methods. */
        record NotActive() implements Choice { }
    }

    /** Makes {@code type} the user's primary method; audited when it changes. */
    public Choice choosePrimary(User user, FactorType type, ClientInfo client) {
        return tx.execute(status -> {
            List<FactorType> active = ordered(user.id());
            if (active.size() < 2) {
                return new Choice.NotOffered();
            }
            if (type == null || !active.contains(type)) {
                return new Choice.NotActive();
            }
            if (!active.get(0).equals(type) || chosen(user.id()).isEmpty()) {
                jdbc.sql("update users set primary_method = ? where id = ?").params(type.name(), user.id()).update();
            }
            if (!active.get(0).equals(type)) {
                audit.record(AuditEventType.PRIMARY_METHOD_CHANGED, user.id(), null, client, type.name());
            }
            return new Choice.Saved(type);
        });
    }

    private Optional<FactorType> chosen(UUID userId) {
        return jdbc.sql("select primary_method from users where id = ? and primary_method is not null").param(userId)
                .query(String.class).list().stream().findFirst().map(FactorType::valueOf);
    }
}
