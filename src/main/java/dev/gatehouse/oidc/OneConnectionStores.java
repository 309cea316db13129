package dev.gatehouse.oidc;

import org.springframework.security.oauth2.server.authorization.OAuth2Authorization;
import org.springframework.security.oauth2.server.authorization.OAuth2AuthorizationConsent;
import org.springframework.security.oauth2.server.authorization.OAuth2AuthorizationConsentService;
import org.springframework.security.oauth2.server.authorization.OAuth2AuthorizationService;
import org.springframework.security.oauth2.server.authorization.OAuth2TokenType;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Spring's JDBC stores of authorizations and consents, each call in a transaction. They map a row while its result
 * set is open, and the mapping looks the row's client up: outside a transaction that lookup took a second pooled
 * connection while the first was held, so as many token requests at once as the pool has connections (10) each held
 * one and waited for another, and every request of the node stalled for the pool's 30-second timeout (found by an
 * outside attack in stop 32: 50 exchanges of one code, or of 50 codes, made other users' sign-ins wait 30 s or fail).
 * In a transaction the lookup uses the connection already held. A call inside a transaction (a use of a code or
 * refresh token, {@link AuthorizationUses}) joins it.
 */
final class OneConnectionStores {

    private OneConnectionStores() {
    }

    /** Spring's store of authorizations, each call in a transaction; {@code saved} runs after a save, in its own. */
    static OAuth2AuthorizationService authorizations(OAuth2AuthorizationService spring, TransactionTemplate tx,
                                                     java.util.function.Consumer<OAuth2Authorization> saved) {
        return new OAuth2AuthorizationService() {
            @Override
            public void save(OAuth2Authorization authorization) {
                tx.executeWithoutResult(status -> {
                    spring.save(authorization);
                    saved.accept(authorization);
                });
            }

            @Override
            public void remove(OAuth2Authorization authorization) {
                tx.executeWithoutResult(status -> spring.remove(authorization));
            }

            @Override
            public OAuth2Authorization findById(String id) {
                return tx.execute(status -> spring.findById(id));
            }

            @Override
            public OAuth2Authorization findByToken(String token, OAuth2TokenType tokenType) {
                return tx.execute(status -> spring.findByToken(token, tokenType));
            }
        };
    }

    static OAuth2AuthorizationConsentService consents(OAuth2AuthorizationConsentService spring,
                                                      TransactionTemplate tx) {
        return new OAuth2AuthorizationConsentService() {
            @Override
            public void save(OAuth2AuthorizationConsent consent) {
                tx.executeWithoutResult(status -> spring.save(consent));
            }

            @Override
            public void remove(OAuth2AuthorizationConsent consent) {
                tx.executeWithoutResult(status -> spring.remove(consent));
            }

            @Override
            public OAuth2AuthorizationConsent findById(String registeredClientId, String principalName) {
                return tx.execute(status -> spring.findById(registeredClientId, principalName));
            }
        };
    }
}
