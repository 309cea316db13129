package dev.gatehouse.web.settings;

import static dev.gatehouse.web.PageSliceConfiguration.signedInAs;
import static dev.gatehouse.web.PageSliceConfiguration.signedInUser;
import static org.hamcrest.Matchers.allOf;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.matchesPattern;
import static org.hamcrest.Matchers.not;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.anyBoolean;
import static org.mockito.ArgumentMatchers.anyInt;
import static org.mockito.ArgumentMatchers.eq;
import static org.mockito.Mockito.when;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.content;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

import java.util.List;
import java.util.UUID;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.test.web.servlet.MockMvc;

import dev.gatehouse.account.AccountService;
import dev.gatehouse.account.Membership;
import dev.gatehouse.account.Role;
import dev.gatehouse.audit.ActivityPage;
import dev.gatehouse.audit.AuditLog;
import dev.gatehouse.signin.SignedInUser;
import dev.gatehouse.web.PageSliceTest;

/**
 * The top bar on a signed-in page (here the user's activity): the profile menu, and the accounts as one plain link
 * (one managed account), nothing (one account as a member) or a switcher menu (several), all without script.
 */
@PageSliceTest(ActivityController.class)
class TopBarTest {

    private static final SignedInUser ME = signedInUser();
    private static final UUID OWN = UUID.fromString("11111111-1111-4111-8111-111111111111");
    private static final UUID JOINED = UUID.fromString("22222222-2222-4222-8222-222222222222");

    @Autowired
    MockMvc mvc;

    @Autowired
    AccountService accounts;

    @Autowired
    AuditLog audit;

    @BeforeEach
    void noActivity() {
        when(audit.userActivity(eq(ME.userId()), any(), any(), anyBoolean(), anyInt()))
                .thenReturn(new ActivityPage(List.of(), null, null));
    }

    @Test
    void topBarWhenOneManagedAccountThenAPlainLinkAndTheProfileMenu() throws Exception {
        when(accounts.membershipsOf(ME.userId())).thenReturn(List.of(
                new Membership(OWN, "Ada Ltd", ME.userId(), Role.OWNER)));

        mvc.perform(get("/settings/activity").with(signedInAs(ME)))
                .andExpect(status().isOk())
                .andExpect(content().string(allOf(
                        matchesPattern("(?s).*id=\"account-link\"\\s+href=\"/accounts/" + OWN + "/settings\".*"),
                        not(containsString("id=\"account-menu\"")),
                        containsString("<details class=\"menu\" id=\"profile-menu\">"),
                        containsString("Ada Lovelace</span></summary>"),
                        containsString("href=\"/settings/details\" id=\"menu-details\">User details</a>"),
                        containsString("href=\"/settings/security\" id=\"menu-security\">Security</a>"),
                        matchesPattern("(?s).*<form action=\"/signout\" method=\"post\" class=\"inline\">"
                                + "\\s*<input type=\"hidden\" name=\"_csrf\".*id=\"menu-signout\">Sign out</button>.*"))));
    }

    @Test
    void topBarWhenOnlyAMemberOfOneAccountThenNoAccountLink() throws Exception {
        when(accounts.membershipsOf(ME.userId())).thenReturn(List.of(
                new Membership(JOINED, "Babbage Ltd", ME.userId(), Role.MEMBER)));

        mvc.perform(get("/settings/activity").with(signedInAs(ME)))
                .andExpect(status().isOk())
                .andExpect(content().string(allOf(not(containsString("id=\"account-link\"")),
                        not(containsString("id=\"account-menu\"")), not(containsString("/accounts/")),
                        containsString("id=\"profile-menu\""))));
    }

    @Test
    void topBarWhenSeveralAccountsThenASwitcherLinkingOnlyTheManagedOnes() throws Exception {
        when(accounts.membershipsOf(ME.userId())).thenReturn(List.of(
                new Membership(OWN, "Ada Ltd", ME.userId(), Role.ADMIN),
                new Membership(JOINED, "Babbage Ltd", ME.userId(), Role.MEMBER)));

        mvc.perform(get("/settings/activity").with(signedInAs(ME)))
                .andExpect(status().isOk())
                .andExpect(content().string(allOf(
                        containsString("<details class=\"menu\" id=\"account-menu\">"),
                        containsString("Switch account:</span><span>Accounts</span></summary>"),
                        matchesPattern("(?s).*href=\"/accounts/" + OWN + "/settings\"\\s+id=\"account-" + OWN + "\">Ada Ltd</a>.*"),
                        containsString("<span class=\"muted small\">Admin</span>"),
                        containsString("<span>Babbage Ltd</span>"),
                        containsString("Member: nothing to manage"),
                        not(containsString("/accounts/" + JOINED)),
                        not(containsString("id=\"account-link\"")))));
    }

    @Test
    void topBarWhenSignedOutThenNoMenusAndTheActivityAsksToSignIn() throws Exception {
        mvc.perform(get("/settings/activity"))
                .andExpect(status().isFound());
    }
}
