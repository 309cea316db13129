package dev.gatehouse.web.settings;

import static dev.gatehouse.web.PageSliceConfiguration.signedInAs;
import static dev.gatehouse.web.PageSliceConfiguration.signedInUser;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.anyBoolean;
import static org.mockito.ArgumentMatchers.anyInt;
import static org.mockito.ArgumentMatchers.eq;
import static org.mockito.Mockito.clearInvocations;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.header;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

import java.util.List;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.test.web.servlet.MockMvc;

import dev.gatehouse.audit.ActivityPage;
import dev.gatehouse.audit.AuditLog;
import dev.gatehouse.signin.Sessions;
import dev.gatehouse.signin.SignedInUser;
import dev.gatehouse.web.PageSliceTest;

/**
 * The pages' static files are served without looking at the browser's session (no read of it, no check that it is
 * still current, no write of its last access), and may be kept by the browser, which asks again each time; a page
 * of the same signed-in browser still has its session checked and is never stored.
 */
@PageSliceTest(ActivityController.class)
class StaticFilesTest {

    private static final SignedInUser ME = signedInUser();

    @Autowired
    MockMvc mvc;

    @Autowired
    Sessions sessions;

    @Autowired
    AuditLog audit;

    @BeforeEach
    void noActivityYet() {
        clearInvocations(sessions);
        when(audit.userActivity(eq(ME.userId()), any(), any(), anyBoolean(), anyInt()))
                .thenReturn(new ActivityPage(List.of(), null, null));
    }

    @Test
    void staticFilesWhenSignedInThenServedWithoutTheSessionAndRevalidated() throws Exception {
        for (String file : List.of("/css/gatehouse.css", "/js/webauthn.js", "/img/favicon.svg")) {
            mvc.perform(get(file).with(signedInAs(ME)))
                    .andExpect(status().isOk())
                    .andExpect(header().string("Cache-Control", "no-cache"))
                    .andExpect(header().exists("Last-Modified"))
                    .andExpect(header().string("X-Content-Type-Options", "nosniff"))
                    .andExpect(header().doesNotExist("Set-Cookie"));
        }
        verify(sessions, never()).stillCurrent(any());
    }

    @Test
    void pageWhenSignedInThenTheSessionIsCheckedAndNothingStored() throws Exception {
        mvc.perform(get("/settings/activity").with(signedInAs(ME)))
                .andExpect(status().isOk())
                .andExpect(header().string("Cache-Control", "no-cache, no-store, max-age=0, must-revalidate"));
        verify(sessions).stillCurrent(ME);
    }
}
