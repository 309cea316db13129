package dev.gatehouse.factor.webauthn;

import java.io.IOException;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.yubico.webauthn.AssertionRequest;
import com.yubico.webauthn.AssertionResult;
import com.yubico.webauthn.FinishAssertionOptions;
import com.yubico.webauthn.FinishRegistrationOptions;
import com.yubico.webauthn.RelyingParty;
import com.yubico.webauthn.RegistrationResult;
import com.yubico.webauthn.StartAssertionOptions;
import com.yubico.webauthn.StartRegistrationOptions;
import com.yubico.webauthn.data.AttestationConveyancePreference;
import com.yubico.webauthn.data.AuthenticatorAssertionResponse;
import com.yubico.webauthn.data.AuthenticatorAttestationResponse;
import com.yubico.webauthn.data.AuthenticatorSelectionCriteria;
import com.yubico.webauthn.data.AuthenticatorTransport;
import com.yubico.webauthn.data.ByteArray;
import com.yubico.webauthn.data.ClientAssertionExtensionOutputs;
import com.yubico.webauthn.data.ClientRegistrationExtensionOutputs;
import com.yubico.webauthn.data.PublicKeyCredential;
import com.yubico.webauthn.data.PublicKeyCredentialCreationOptions;
import com.yubico.webauthn.data.RelyingPartyIdentity;
import com.yubico.webauthn.data.ResidentKeyRequirement;
import com.yubico.webauthn.data.UserIdentity;
import com.yubico.webauthn.data.UserVerificationRequirement;
import com.yubico.webauthn.exception.AssertionFailedException;
import com.yubico.webauthn.exception.RegistrationFailedException;
import com.yubico.webauthn.extension.appid.AppId;
import com.yubico.webauthn.extension.appid.InvalidAppIdException;

import dev.gatehouse.system.GatehouseProperties;

/**
 * The four ceremonies (start and finish of registration and of assertion) on Yubico's {@link RelyingParty}, which does
 * every check of the specification: challenge, origin (the exact configured list), relying party id hash, user
 * presence, user verification per policy, signature, attestation statement, signature counter. Nothing of that is
 * written here. This class only computes — it never stores, audits or sends — and each ceremony runs on a relying party
 * whose credential repository knows the one user doing it ({@link UserCredentials}).
 *
 * <p>Yubico's types use Jackson 2 while the server uses Jackson 3: they cross the boundary only as Yubico's own JSON
 * strings ({@code toJson}, {@code toCredentialsCreateJson}, {@code parseRegistrationResponseJson}, ...).
 *
 * <p>What this class does not do: keep the pending ceremony (the caller keeps it in the session and takes it out at
 * the first answer), decide what a counter regression means (it reports it; see {@link AssertionOutcome}), trust
 * attestation (accepted untrusted; AAGUID and format are reported for a later allow-list).
 */
@Component
public class WebAuthnCeremonies {

    private static final Logger log = LoggerFactory.getLogger(WebAuthnCeremonies.class);
    /** WebAuthn Level 3: a credential id is at most 1023 bytes (1364 base64url characters, within V6's 1400). */
    static final int MAX_CREDENTIAL_ID_BYTES = 1023;
    /** The stored public key's column (V6: varchar(2000)), in base64url characters. */
    static final int MAX_PUBLIC_KEY_CHARS = 2000;

    /** Longest response JSON looked at; real ones are 1–3 KB (a certificate chain makes attestation the largest). */
    static final int MAX_RESPONSE_CHARS = 32 * 1024;

    private final WebAuthnProperties properties;
    /** With a repository that knows nobody: each ceremony runs on a copy with the repository of its user. */
    private final RelyingParty base;

    WebAuthnCeremonies(WebAuthnProperties properties, GatehouseProperties gatehouse) {
        this.properties = properties;
        Optional<AppId> appId = Optional.ofNullable(properties.appId()).map(WebAuthnCeremonies::appId);
        this.base = RelyingParty.builder()
                .identity(RelyingPartyIdentity.builder().id(properties.rpId()).name(gatehouse.productName()).build())
                .credentialRepository(new UserCredentials("", new ByteArray(new byte[1]), List.of()))
                .origins(properties.origins())
                .allowOriginPort(properties.allowOriginPort())
                .allowOriginSubdomain(false)
                .appId(appId)
                .attestationConveyancePreference(AttestationConveyancePreference.valueOf(
                        properties.attestation().toUpperCase(Locale.ROOT)))
                .allowUntrustedAttestation(true)
                // Checked all the same (AssertionResult.isSignatureCounterValid); a regression is reported, not thrown,
                // so that the credential can be marked and the user told.
                .validateSignatureCounter(false)
                .build();
    }

    private static AppId appId(String url) {
        try {
            return new AppId(url);
        } catch (InvalidAppIdException e) {
            throw new IllegalArgumentException("gatehouse.webauthn.app-id is not a valid U2F AppID: " + url, e);
        }
    }

    /** The user as the authenticator records them: their address and name to pick the account by, and their handle. */
    public record Account(String email, String displayName, ByteArray userHandle) {
    }

    // --- registration -------------------------------------------------------------------------------------------

    /**
     * Starts adding a credential; the user's existing ones are excluded, so the browser refuses to register the same
     * device twice. Never null.
     */
    public PendingCeremony startRegistration(UUID userId, Account account, List<WebAuthnCredential> existing,
                                             Instant now) {
        PublicKeyCredentialCreationOptions options = relyingParty(account, existing).startRegistration(
                StartRegistrationOptions.builder()
                        .user(UserIdentity.builder().name(account.email()).displayName(account.displayName())
                                .id(account.userHandle()).build())
                        .authenticatorSelection(AuthenticatorSelectionCriteria.builder()
                                .residentKey(ResidentKeyRequirement.DISCOURAGED)
                                .userVerification(userVerification())
                                .build())
                        .timeout(properties.timeout().toMillis())
                        .build());
        try {
            return new PendingCeremony(userId, PendingCeremony.Purpose.REGISTER,
                    options.getChallenge().getBase64Url(), options.toJson(),
                    options.toCredentialsCreateJson(), now.plus(properties.ceremonyValidity()));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("Yubico could not write its own registration options", e);
        }
    }

    public sealed interface RegistrationOutcome {
        /** Yubico verified it: store this. Binary values are base64url; {@code aaguid} is hex. */
        record Registered(String credentialId, String publicKeyCose, long signatureCount, String aaguid,
                          String attestationFormat, List<String> transports, CredentialKind kind)
                implements RegistrationOutcome {
        }

        record Rejected(WebAuthnProblem problem, String detail) implements RegistrationOutcome {
        }
    }

    /**
     * Checks the browser's answer to {@code pending}, which must be the caller's and not used before. Never throws for
     * anything a client sends. {@code existing} are the user's credentials (the same user as the pending ceremony).
     */
    public RegistrationOutcome finishRegistration(PendingCeremony pending, Account account,
                                                  List<WebAuthnCredential> existing, String responseJson) {
        if (pending.purpose() != PendingCeremony.Purpose.REGISTER) {
            return new RegistrationOutcome.Rejected(WebAuthnProblem.EXPIRED, "not a registration");
        }
        PublicKeyCredential<AuthenticatorAttestationResponse, ClientRegistrationExtensionOutputs> response;
        try {
            response = PublicKeyCredential.parseRegistrationResponseJson(bounded(responseJson));
        } catch (IOException | RuntimeException e) {
            return new RegistrationOutcome.Rejected(WebAuthnProblem.MALFORMED, reason(e));
        }
        if (response == null || response.getId() == null) {
            return new RegistrationOutcome.Rejected(WebAuthnProblem.MALFORMED, "no credential");
        }
        try {
            RegistrationResult result = relyingParty(account, existing).finishRegistration(
                    FinishRegistrationOptions.builder()
                            .request(PublicKeyCredentialCreationOptions.fromJson(pending.requestJson()))
                            .response(response)
                            .build());
            if (result.getKeyId().getId().size() > MAX_CREDENTIAL_ID_BYTES
                    || result.getPublicKeyCose().getBase64Url().length() > MAX_PUBLIC_KEY_CHARS) {
                // WebAuthn's limit for a credential id, and what the stored key may take (V6's columns): a crafted
                // answer past them is refused, not a failed insert (found by an outside attack: a 500 before this).
                return new RegistrationOutcome.Rejected(WebAuthnProblem.MALFORMED, "credential too large");
            }
            Set<String> transports = result.getKeyId().getTransports().map(t -> t.stream()
                            .map(AuthenticatorTransport::getId).collect(Collectors.toCollection(java.util.TreeSet::new)))
                    .orElseGet(java.util.TreeSet::new);
            return new RegistrationOutcome.Registered(result.getKeyId().getId().getBase64Url(),
                    result.getPublicKeyCose().getBase64Url(), result.getSignatureCount(),
                    HexFormat.of().formatHex(result.getAaguid().getBytes()),
                    response.getResponse().getAttestation().getFormat(), List.copyOf(transports),
                    CredentialKind.of(result.getAuthenticatorAttachment(), transports));
        } catch (RegistrationFailedException e) {
            return new RegistrationOutcome.Rejected(e.getMessage() != null && e.getMessage().contains("already")
                    ? WebAuthnProblem.ALREADY_REGISTERED : WebAuthnProblem.NOT_VERIFIED, reason(e));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("Yubico could not read its own registration options", e);
        } catch (RuntimeException e) {
            // Yubico reads attacker-controlled CBOR and certificates; whatever it throws on them is a refusal.
            log.debug("registration response refused: {}", reason(e));
            return new RegistrationOutcome.Rejected(WebAuthnProblem.NOT_VERIFIED, reason(e));
        }
    }

    // --- assertion ----------------------------------------------------------------------------------------------

    /**
     * Starts proving a credential of this user (only theirs are allowed); with an AppID configured, keys registered
     * through U2F answer too. Never null.
     */
    public PendingCeremony startAssertion(UUID userId, PendingCeremony.Purpose purpose, Account account,
                                          List<WebAuthnCredential> existing, Instant now) {
        AssertionRequest request = relyingParty(account, existing).startAssertion(StartAssertionOptions.builder()
                .userHandle(account.userHandle())
                .userVerification(userVerification())
                .timeout(properties.timeout().toMillis())
                .build());
        try {
            return new PendingCeremony(userId, purpose,
                    request.getPublicKeyCredentialRequestOptions().getChallenge().getBase64Url(), request.toJson(),
                    request.toCredentialsGetJson(),
                    now.plus(properties.ceremonyValidity()));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("Yubico could not write its own assertion request", e);
        }
    }

    public sealed interface AssertionOutcome {
        /**
         * Yubico verified it and the counter went forward (or the authenticator does not count): record
         * {@code signatureCount} as the credential's new counter.
         */
        record Verified(WebAuthnCredential credential, long signatureCount) implements AssertionOutcome {
        }

        /**
         * The signature is right but the counter is not above the stored one: the credential may have been copied.
         * The sign-in must be refused.
         */
        record CounterWentBackwards(WebAuthnCredential credential, long storedCount, long receivedCount)
                implements AssertionOutcome {
        }

        record Rejected(WebAuthnProblem problem, String detail) implements AssertionOutcome {
        }
    }

    /**
     * Checks the browser's answer to {@code pending} for the user of {@code existing} (who must be the one it was started
     * for). A credential that is not one of theirs is refused whatever the answer says. Never throws for anything a
     * client sends.
     */
    public AssertionOutcome finishAssertion(PendingCeremony pending, Account account,
                                            List<WebAuthnCredential> existing, String responseJson) {
        if (pending.purpose() == PendingCeremony.Purpose.REGISTER) {
            return new AssertionOutcome.Rejected(WebAuthnProblem.EXPIRED, "not an assertion");
        }
        PublicKeyCredential<AuthenticatorAssertionResponse, ClientAssertionExtensionOutputs> response;
        try {
            response = PublicKeyCredential.parseAssertionResponseJson(bounded(responseJson));
        } catch (IOException | RuntimeException e) {
            return new AssertionOutcome.Rejected(WebAuthnProblem.MALFORMED, reason(e));
        }
        if (response == null || response.getId() == null) {
            // The JSON word null parses to no credential at all (found by an outside attack: a 500 before this).
            return new AssertionOutcome.Rejected(WebAuthnProblem.MALFORMED, "no credential");
        }
        UserCredentials credentials = new UserCredentials(account.email(), account.userHandle(), existing);
        Optional<WebAuthnCredential> stored = credentials.find(response.getId());
        if (stored.isEmpty()) {
            // Yubico would refuse it too (its lookup goes to the same repository); said here so the page can be clear.
            return new AssertionOutcome.Rejected(WebAuthnProblem.UNKNOWN_CREDENTIAL, "not a credential of this user");
        }
        AssertionResult result;
        try {
            result = relyingParty(credentials).finishAssertion(FinishAssertionOptions.builder()
                    .request(AssertionRequest.fromJson(pending.requestJson()))
                    .response(response)
                    .build());
        } catch (AssertionFailedException e) {
            return new AssertionOutcome.Rejected(WebAuthnProblem.NOT_VERIFIED, reason(e));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("Yubico could not read its own assertion request", e);
        } catch (RuntimeException e) {
            log.debug("assertion response refused: {}", reason(e));
            return new AssertionOutcome.Rejected(WebAuthnProblem.NOT_VERIFIED, reason(e));
        }
        if (!result.isSuccess()) {
            return new AssertionOutcome.Rejected(WebAuthnProblem.NOT_VERIFIED, "not successful");
        }
        // The credential Yubico verified, found again by what Yubico returned, in this user's list only.
        WebAuthnCredential verified = credentials.find(result.getCredential().getCredentialId()).orElseThrow();
        if (!result.isSignatureCounterValid()) {
            return new AssertionOutcome.CounterWentBackwards(verified, verified.signatureCount(),
                    result.getSignatureCount());
        }
        return new AssertionOutcome.Verified(verified, result.getSignatureCount());
    }

    // --- shared -------------------------------------------------------------------------------------------------

    private RelyingParty relyingParty(Account account, List<WebAuthnCredential> existing) {
        return relyingParty(new UserCredentials(account.email(), account.userHandle(), existing));
    }

    private RelyingParty relyingParty(UserCredentials credentials) {
        return base.toBuilder().credentialRepository(credentials).build();
    }

    private UserVerificationRequirement userVerification() {
        return UserVerificationRequirement.valueOf(properties.userVerification().toUpperCase(Locale.ROOT));
    }

    private static String bounded(String json) throws IOException {
        if (json == null || json.isBlank()) {
            throw new IOException("empty");
        }
        if (json.length() > MAX_RESPONSE_CHARS) {
            throw new IOException("too long");
        }
        return json;
    }

    /** A short reason for the audit log: the exception's message, cut, without anything the client sent verbatim. */
    private static String reason(Exception e) {
        String message = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        message = message.replaceAll("\\p{Cntrl}", " ");
        return message.length() <= 200 ? message : message.substring(0, 200);
    }
}
