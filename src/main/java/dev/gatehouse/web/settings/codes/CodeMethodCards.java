package dev.gatehouse.web.settings.codes;

import java.util.UUID;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import dev.gatehouse.factor.FactorType;
import dev.gatehouse.factor.email.EmailCodeMethod;
import dev.gatehouse.factor.sms.SmsCodeMethod;
import dev.gatehouse.web.settings.SecurityTabCard;

/** The Security tab's cards of email and text-message codes: the factor, where codes go, and whether SMS can be sent. */
@Configuration(proxyBeanMethods = false)
class CodeMethodCards {

    @Bean
    SecurityTabCard emailCodesCard(CodeDestinations destinations) {
        return card(EmailCodeMethod.TYPE, userId -> destinations.card(userId, EmailCodeMethod.TYPE, true));
    }

    @Bean
    SecurityTabCard smsCodesCard(CodeDestinations destinations) {
        return card(SmsCodeMethod.TYPE,
                userId -> destinations.card(userId, SmsCodeMethod.TYPE, destinations.smsAvailable()));
    }

    private static SecurityTabCard card(FactorType type, java.util.function.Function<UUID, Object> view) {
        return new SecurityTabCard() {
            @Override
            public FactorType type() {
                return type;
            }

            @Override
            public Object view(UUID userId) {
                return view.apply(userId);
            }
        };
    }
}
