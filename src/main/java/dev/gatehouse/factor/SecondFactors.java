package dev.gatehouse.factor;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

import org.springframework.stereotype.Service;

/**
 * Every registered {@link SecondFactorMethod}, in the order pages list them ({@code @Order} of each bean). Sign-in,
 * re-confirmation and the Security tab iterate over these; none of them names a method.
 */
@Service
public class SecondFactors {

    private final List<SecondFactorMethod> all;
    private final Map<FactorType, SecondFactorMethod> byType = new HashMap<>();
    private final SignInMethods signInMethods;

    SecondFactors(List<SecondFactorMethod> methods, SignInMethods signInMethods) {
        this.all = List.copyOf(methods);
        this.signInMethods = signInMethods;
        methods.forEach(m -> {
            if (byType.put(m.type(), m) != null) {
                throw new IllegalStateException("two methods of type " + m.type());
            }
        });
    }

    /** All registered methods, in page order. */
    public List<SecondFactorMethod> all() {
        return all;
    }

    public Optional<SecondFactorMethod> find(FactorType type) {
        return Optional.ofNullable(type == null ? null : byType.get(type));
    }

    /** The registered method a client named (a form field, a URL); empty for any other text. */
    public Optional<SecondFactorMethod> find(String name) {
        return FactorType.parse(name).flatMap(this::find);
    }

    public SecondFactorMethod get(FactorType type) {
        return find(type).orElseThrow(() -> new IllegalStateException("no method bean for " + type));
    }

    /** The English name of a method, for emails. */
    public String displayName(FactorType type) {
        return find(type).map(m -> m.traits().displayName()).orElse(type.name());
    }

    /** The user's active methods of their own (not backup codes), the primary first, then in the order added. */
    public List<SecondFactorMethod> ordered(UUID userId) {
        return signInMethods.ordered(userId).stream().flatMap(t -> find(t).stream())
                .filter(m -> m.traits().standalone()).toList();
    }

    /** The methods that stand in for the others (backup codes) which the user can use now. */
    public List<SecondFactorMethod> standIns(UUID userId) {
        return all.stream().filter(m -> !m.traits().standalone() && m.activeFor(userId)).toList();
    }
}
