package dev.gatehouse.system;

import java.nio.file.Path;
import java.util.Objects;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Settings every module may read.
 *
 * @param productName the name users see in pages, emails and authenticator apps; default {@code Gatehouse}
 * @param baseUrl     the public URL of this server, used in links sent by email; default {@code http://localhost:8080}
 * @param dataDir     the folder of the trial setup (H2 database, generated key); default {@code ./data}
 */
@ConfigurationProperties("gatehouse")
public record GatehouseProperties(String productName, String baseUrl, Path dataDir) {

    public GatehouseProperties {
        Objects.requireNonNull(productName, "gatehouse.product-name");
        Objects.requireNonNull(baseUrl, "gatehouse.base-url");
        if (baseUrl.endsWith("/")) {
            baseUrl = baseUrl.substring(0, baseUrl.length() - 1);
        }
    }

    /** An absolute link to {@code path} (which starts with a slash) on this server. */
    public String link(String path) {
        return baseUrl + path;
    }
}
