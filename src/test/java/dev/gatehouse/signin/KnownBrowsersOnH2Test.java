package dev.gatehouse.signin;

import static org.assertj.core.api.Assertions.assertThat;

import jakarta.servlet.http.Cookie;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.context.ApplicationContext;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.mock.web.MockHttpServletRequest;
import org.springframework.mock.web.MockHttpServletResponse;

import dev.gatehouse.signin.servlet.ServletBrowserSession;
import dev.gatehouse.testsupport.H2Test;
import dev.gatehouse.testsupport.TestUsers;
import dev.gatehouse.user.User;

/** Browsers a user signed in from, and the email about one never seen before. */
@H2Test
class KnownBrowsersOnH2Test {

    static final String CHROME = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/150.0 Safari/537.36";
    static final String FIREFOX = "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:140.0) Gecko/20100101 Firefox/140.0";

    @Autowired
    ApplicationContext context;

    @Autowired
    KnownBrowsers browsers;

    @Autowired
    JdbcClient jdbc;

    /** A browser: it keeps the cookie it was given. */
    final class FakeBrowser {
        final String userAgent;
        Cookie id;

        FakeBrowser(String userAgent) {
            this.userAgent = userAgent;
        }

        boolean signIn(User user, boolean announce) {
            MockHttpServletRequest request = new MockHttpServletRequest();
            request.addHeader("User-Agent", userAgent);
            request.setRemoteAddr("198.51.100.4");
            if (id != null) {
                request.setCookies(id);
            }
            MockHttpServletResponse response = new MockHttpServletResponse();
            boolean added = browsers.signedIn(user, announce, ServletBrowserSession.of(request, response));
            if (response.getCookie("GATEHOUSE_BROWSER") != null) {
                id = response.getCookie("GATEHOUSE_BROWSER");
            }
            return added;
        }
    }

    @Test
    void signedInWhenBrowserNotSeenBeforeThenEmailedOnceUnlessItIsTheFirst() {
        User ada = new TestUsers(context).create("browsers").user();
        FakeBrowser laptop = new FakeBrowser(CHROME);
        FakeBrowser phone = new FakeBrowser(FIREFOX);

        assertThat(laptop.signIn(ada, true)).as("the first browser of a user from before").isTrue();
        assertThat(newSignInMails(ada)).isZero();
        assertThat(laptop.signIn(ada, true)).isFalse();
        assertThat(phone.signIn(ada, true)).isTrue();
        assertThat(newSignInMails(ada)).isEqualTo(1);
        assertThat(jdbc.sql("select subject from outbox where recipient = ?").param(ada.email()).query(String.class)
                .single()).isEqualTo("Gatehouse: new sign-in from Firefox on Windows");
        assertThat(phone.signIn(ada, true)).isFalse();
        assertThat(laptop.signIn(ada, true)).isFalse();
        assertThat(newSignInMails(ada)).isEqualTo(1);

        // The same browser is new to another user, and its rows cannot be matched to Ada's.
        User bob = new TestUsers(context).create("bob").user();
        assertThat(laptop.signIn(bob, false)).isTrue();
        assertThat(jdbc.sql("select browser_hash from known_browsers where user_id = ?").param(bob.id())
                .query(String.class).single()).isNotIn(jdbc.sql("select browser_hash from known_browsers where user_id = ?")
                .param(ada.id()).query(String.class).list());
        assertThat(new FakeBrowser(CHROME).signIn(bob, false)).as("not announced: sign-up, invitation").isTrue();
        assertThat(newSignInMails(bob)).isZero();
        assertThat(String.valueOf(jdbc.sql("select * from known_browsers where user_id = ?").param(ada.id()).query()
                .listOfRows())).doesNotContain(laptop.id.getValue()).doesNotContain(phone.id.getValue());
    }

    private long newSignInMails(User user) {
        return jdbc.sql("select count(*) from outbox where recipient = ? and subject like '%new sign-in%'")
                .param(user.email()).query(Long.class).single();
    }
}
