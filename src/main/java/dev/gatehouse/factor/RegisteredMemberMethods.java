package dev.gatehouse.factor;

import java.util.List;
import java.util.UUID;

import org.springframework.stereotype.Component;

import dev.gatehouse.account.MemberMethods;

/** The account layer's view of a member's methods, asked of the registered methods. */
@Component
class RegisteredMemberMethods implements MemberMethods {

    private final SecondFactors methods;

    RegisteredMemberMethods(SecondFactors methods) {
        this.methods = methods;
    }

    @Override
    public List<String> of(UUID userId) {
        return methods.ordered(userId).stream().map(m -> m.type().name()).distinct().toList();
    }

    @Override
    public String displayName(String method) {
        return methods.find(method).map(m -> m.traits().displayName()).orElse(method);
    }
}
