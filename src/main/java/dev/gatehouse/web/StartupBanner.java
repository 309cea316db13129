package dev.gatehouse.web;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
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

    StartupBanner(GatehouseProperties gatehouse, ObjectProvider<DevMailbox> devMailbox) {
        this.gatehouse = gatehouse;
        this.devMailbox = devMailbox;
    }

    @EventListener
    void ready(ApplicationReadyEvent event) {
        String base = base(event);
        if (devMailbox.getIfAvailable() != null) {
            log.info("{} is ready: open {}/signup — emails go to {}/dev/mailbox", gatehouse.productName(), base, base);
        } else {
            log.info("{} is ready at {}", gatehouse.productName(), base);
        }
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
