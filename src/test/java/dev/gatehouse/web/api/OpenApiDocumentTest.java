package dev.gatehouse.web.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.junit.jupiter.api.Test;
import org.springframework.boot.test.web.server.LocalServerPort;

import dev.gatehouse.testsupport.H2Test;

/**
 * The OpenAPI document the server generates is the one checked in as {@code docs/openapi.json}, so a change to the API
 * shows up as a diff in review. After a deliberate change, refresh the file:
 * {@code ./mvnw -B test -Dtest=OpenApiDocumentTest -Dgatehouse.openapi.write=true} (or copy
 * {@code target/openapi.json}, written when they differ).
 */
@H2Test
class OpenApiDocumentTest {

    static final Path CHECKED_IN = Path.of("docs/openapi.json");
    static final JsonMapper JSON = JsonMapper.builder().build();

    @LocalServerPort
    int port;

    HttpResponse<String> get(String path) throws Exception {
        return HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NORMAL).build().send(
                HttpRequest.newBuilder(URI.create("http://localhost:" + port + path)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void openApiDocumentWhenGeneratedThenItIsTheCheckedInOne() throws Exception {
        HttpResponse<String> response = get(OpenApiDocument.PATH);
        assertThat(response.statusCode()).isEqualTo(200);
        String generated = response.body().strip() + "\n";
        JsonNode document = JSON.readTree(generated);
        assertThat(document.get("openapi").asString()).startsWith("3.1");
        assertThat(document.at("/components/securitySchemes/gatehouse/flows/clientCredentials/tokenUrl").asString())
                .isEqualTo("/oauth2/token");

        if (Boolean.getBoolean("gatehouse.openapi.write")) {
            Files.writeString(CHECKED_IN, generated, StandardCharsets.UTF_8);
        }
        String checkedIn = Files.exists(CHECKED_IN) ? Files.readString(CHECKED_IN, StandardCharsets.UTF_8) : "";
        if (!checkedIn.equals(generated)) {
            Path target = Path.of("target/openapi.json");
            Files.createDirectories(target.getParent());
            Files.writeString(target, generated, StandardCharsets.UTF_8);
        }
        assertThat(checkedIn)
                .as("docs/openapi.json is not what the server generates: the API changed. If that is meant, refresh it"
                        + " with ./mvnw -B test -Dtest=OpenApiDocumentTest -Dgatehouse.openapi.write=true (or copy"
                        + " target/openapi.json) and commit it with the change")
                .isEqualTo(generated);
    }

    @Test
    void docsPageWhenOpenedWithoutATokenThenShowsTheDocument() throws Exception {
        HttpResponse<String> page = get(OpenApiDocument.DOCS_PAGE);
        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.uri().getPath()).isEqualTo(OpenApiDocument.DOCS_UI + "/index.html");
        assertThat(page.body()).contains("swagger-ui");
        for (String asset : new String[] {"/swagger-ui-bundle.js", "/swagger-ui.css", "/swagger-initializer.js"}) {
            HttpResponse<String> file = get(OpenApiDocument.DOCS_UI + asset);
            assertThat(file.statusCode()).as(asset).isEqualTo(200);
            assertThat(file.body()).as(asset).isNotBlank();
        }
        assertThat(get(OpenApiDocument.PATH + "/swagger-config").body()).contains("\"url\":\"" + OpenApiDocument.PATH);
    }
}
