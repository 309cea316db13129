package dev.gatehouse.web;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;

import dev.gatehouse.notify.DevMailbox;
import dev.gatehouse.system.GatehouseProperties;

/** Says on the console where to go once the server is ready, so a first start needs no documentation. */
@Component
class StartupBanner {

    private static final Logger log = LoggerFactory.getLogger(StartupBanner.class);

    private final GatehouseProperties gatehouse;
    private final ObjectProvider<DevMailbox> devMailbox;
    private final String serverAddress;

    StartupBanner(GatehouseProperties gatehouse, ObjectProvider<DevMailbox> devMailbox,
                  @Value("${server.address:}") String serverAddress) {
        this.gatehouse = gatehouse;
        this.devMailbox = devMailbox;
        this.serverAddress = serverAddress;
    }

    @EventListener
    void ready(ApplicationReadyEvent event) {
        String base = base(event);
        if (devMailbox.getIfAvailable() != null) {
            // The dev mailbox is what makes a trial: no message leaves the machine, and the page shows them all.
            log.info("{} is ready: open {}/signup — emails go to {}/dev/mailbox", gatehouse.productName(), base, base);
            log.info("This is a trial setup: data in {}, no email or text message leaves this computer. For"
                    + " production, see the README (profile prod).", gatehouse.dataDir().toAbsolutePath().normalize());
            if (loopback(serverAddress)) {
                log.info("Only this computer can connect (server.address={}).", serverAddress);
            } else {
                log.warn("Listening on {}: anyone who can reach this port can read every email and code at"
                        + " /dev/mailbox.", serverAddress.isBlank() ? "every network interface" : serverAddress);
            }
        } else {
            log.info("{} is ready at {}", gatehouse.productName(), base);
        }
    }

    private static boolean loopback(String address) {
        return address.equals("::1") || address.equals("0:0:0:0:0:0:0:1") || address.equals("localhost")
                || address.startsWith("127.");
    }

    /** The configured public URL; for a localhost one, with the port actually taken (it may be 0 = any free port). */
    private String base(ApplicationReadyEvent event) {
        String base = gatehouse.baseUrl();
        if (base.startsWith("http://localhost")
                && event.getApplicationContext() instanceof WebServerApplicationContext web
                && web.getWebServer() != null) {
            return "http://localhost:" + web.getWebServer().getPort();
        }
        return base;
    }
}
