package dev.gatehouse.system;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ClientInfoTest {

    @Test
    void browserNamesCommonAgents() {
        assertThat(new ClientInfo("1.2.3.4", "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) "
                + "HeadlessChrome/156.0.0.0 Safari/537.36").browser()).isEqualTo("Chrome on Linux");
        assertThat(new ClientInfo("", "Mozilla/5.0 (Macintosh; Intel Mac OS X 14_5) AppleWebKit/605.1.15 (KHTML, like "
                + "Gecko) Version/17.5 Safari/605.1.15").browser()).isEqualTo("Safari on macOS");
        assertThat(new ClientInfo("", "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko)"
                + " Chrome/120.0.0.0 Safari/537.36 Edg/120.0.0.0").browser()).isEqualTo("Edge on Windows");
        assertThat(new ClientInfo("", "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 "
                + "(KHTML, like Gecko) Version/17.0 Mobile/15E148 Safari/604.1").browser()).isEqualTo("Safari on iOS");
        assertThat(new ClientInfo("", "").browser()).isEqualTo("Unknown browser");
    }

    @Test
    void userAgentIsCutAndStrippedOfControls() {
        ClientInfo info = new ClientInfo("1.2.3.4", "evil\r\nagent" + "x".repeat(1000));
        assertThat(info.userAgent()).hasSize(256).doesNotContain("\r", "\n");
    }
}
