package dev.gatehouse.web;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.UUID;

import org.mockito.Mockito;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.security.authentication.UsernamePasswordAuthenticationToken;
import org.springframework.security.core.authority.AuthorityUtils;
import org.springframework.security.test.web.servlet.request.SecurityMockMvcRequestPostProcessors;
import org.springframework.test.web.servlet.request.RequestPostProcessor;

import dev.gatehouse.signin.SessionProperties;
import dev.gatehouse.signin.Sessions;
import dev.gatehouse.signin.SignedInUser;
import dev.gatehouse.system.Times;
import dev.gatehouse.web.signin.CodeWords;
import dev.gatehouse.web.signin.SentCodeWords;

/**
 * What {@link PageSliceTest} adds to a {@code @WebMvcTest}: the security rules and the page helpers that are cheap
 * enough to be the real ones (messages, the words of a code step), and a clock that stands still at {@link #NOW}.
 */
@TestConfiguration(proxyBeanMethods = false)
@Import({SecurityConfiguration.class, Messages.class, ActivityWords.class, CodeWords.class, SentCodeWords.class,
        PageTimes.class, Times.class})
@EnableConfigurationProperties(SessionProperties.class)
public class PageSliceConfiguration {

    /** The time of every page slice: 12:00 UTC, so the times in messages are easy to read. */
    public static final Instant NOW = Instant.parse("2030-05-06T12:00:00Z");

    @Bean
    Clock clock() {
        return Clock.fixed(NOW, ZoneOffset.UTC);
    }

    /**
     * The sessions as the security rules read them: every signed-in session of a slice is still current (the
     * generation check itself is tested on a whole server, SessionRaceTests).
     */
    @Bean
    Sessions sessions() {
        Sessions sessions = Mockito.mock(Sessions.class);
        Mockito.when(sessions.stillCurrent(Mockito.any())).thenReturn(true);
        return sessions;
    }

    /** A user signed in at {@link #NOW} with a password only. */
    public static SignedInUser signedInUser() {
        return new SignedInUser(UUID.fromString("6f1c1c2e-1d2b-4f57-9b0a-0d9a3c1e5a11"), "ada@example.com",
                "Ada Lovelace", NOW, null);
    }

    /** The request comes from a session signed in as {@code user}, with the authentication the server gives one. */
    public static RequestPostProcessor signedInAs(SignedInUser user) {
        return SecurityMockMvcRequestPostProcessors.authentication(UsernamePasswordAuthenticationToken.authenticated(
                user, null, AuthorityUtils.createAuthorityList("ROLE_USER")));
    }
}
