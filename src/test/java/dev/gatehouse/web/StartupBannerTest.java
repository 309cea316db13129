package dev.gatehouse.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.when;
import static org.mockito.Mockito.withSettings;

import java.nio.file.Path;
import java.time.Duration;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.web.server.WebServer;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;

import dev.gatehouse.notify.DevMailbox;
import dev.gatehouse.system.GatehouseProperties;

@ExtendWith(OutputCaptureExtension.class)
class StartupBannerTest {

    @Test
    void readyWhenDevMailboxThenSaysWhereToSignUpAndReadMailAndThatItIsATrial(CapturedOutput output) {
        banner("http://localhost:0", mock(DevMailbox.class), "127.0.0.1").ready(event(8080));

        assertThat(output).contains(
                "Gatehouse is ready: open http://localhost:8080/signup — emails go to http://localhost:8080/dev/mailbox",
                "This is a trial setup", "Only this computer can connect").doesNotContain("WARN");
    }

    @Test
    void readyWhenTrialListensOnEveryInterfaceThenWarnsThatTheMailboxIsOpen(CapturedOutput output) {
        banner("http://localhost:0", mock(DevMailbox.class), "0.0.0.0").ready(event(8080));

        assertThat(output).contains("WARN", "anyone who can reach this port can read every email");
    }

    @Test
    void readyWhenRealGatewayThenSaysOnlyThePublicUrl(CapturedOutput output) {
        banner("https://sso.example.com", null, "").ready(event(8080));

        assertThat(output).contains("Gatehouse is ready at https://sso.example.com").doesNotContain("/dev/mailbox")
                .doesNotContain("trial");
    }

    @SuppressWarnings("unchecked")
    private static StartupBanner banner(String baseUrl, DevMailbox devMailbox, String serverAddress) {
        ObjectProvider<DevMailbox> provider = mock(ObjectProvider.class);
        when(provider.getIfAvailable()).thenReturn(devMailbox);
        return new StartupBanner(new GatehouseProperties("Gatehouse", baseUrl, Path.of("data")), provider,
                serverAddress);
    }

    private static ApplicationReadyEvent event(int port) {
        ConfigurableApplicationContext context = mock(ConfigurableApplicationContext.class,
                withSettings().extraInterfaces(WebServerApplicationContext.class));
        WebServer server = mock(WebServer.class);
        when(server.getPort()).thenReturn(port);
        when(((WebServerApplicationContext) context).getWebServer()).thenReturn(server);
        return new ApplicationReadyEvent(new SpringApplication(), new String[0], context, Duration.ZERO);
    }
}
