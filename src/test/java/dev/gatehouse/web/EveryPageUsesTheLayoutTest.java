package dev.gatehouse.web;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;

/**
 * Every page is built on templates/layout.html (one doctype, head, top bar and skip link), and every code field is one
 * of the fragments in fragments.html. A page is any template outside mail/ that declares no th:fragment; a template
 * that declares fragments is a file of parts and may not be a page in disguise.
 */
class EveryPageUsesTheLayoutTest {

    private static final Path TEMPLATES = Path.of("src/main/resources/templates");

    /** Parser comments, dropped before reading: they may quote markup, as layout.html's does. */
    private static final Pattern PARSER_COMMENT = Pattern.compile("<!--/\\*.*?\\*/-->", Pattern.DOTALL);

    /** The root of a page: <html ... th:replace="~{layout :: page(title, ~{::main}, scripts)}">, the first element. */
    private static final Pattern ROOT = Pattern.compile(
            "\\A\\s*<html\\b[^>]*?\\sth:replace=\"~\\{layout :: page\\((.+), ~\\{::main}, (~\\{}|~\\{::script})\\)}\"[^>]*>");

    /** A <head> element (not a <header>). */
    private static final String HEAD = "<head[\\s>]";

    private static final Pattern INPUT = Pattern.compile("<input\\b[^>]*>", Pattern.DOTALL);

    @Test
    void everyPageIsItsMainInTheLayout() {
        Map<String, String> pages = templates(false);
        assertThat(pages).as("pages found under " + TEMPLATES).hasSizeGreaterThanOrEqualTo(28)
                .containsKeys("signin/password.html", "signin/verify.html", "settings/security.html", "error.html");
        pages.forEach((name, page) -> {
            Matcher root = ROOT.matcher(page);
            assertThat(root.find()).as(name + ": root element <html th:replace=\"~{layout :: page(title, ~{::main}, "
                    + "~{} or ~{::script})}\">").isTrue();
            assertThat(page).as(name).doesNotContainPattern(HEAD).doesNotContain("<!DOCTYPE", "<!doctype", "<title",
                    "<meta", "<link", "class=\"topbar\"", "class=\"skip\"", "fragments :: head", "<style", " style=");
            assertThat(count(page, "<main\\b")).as(name + ": one <main>").isEqualTo(1);
            assertThat(page).as(name + ": the skip link's target").containsPattern("<main id=\"main\"[\\s>]");
            // The scripts go through the layout (~{::script}); a page without any passes ~{}.
            boolean scripts = page.contains("<script");
            assertThat(root.group(2)).as(name + ": scripts argument").isEqualTo(scripts ? "~{::script}" : "~{}");
            if (scripts) {
                assertThat(page.substring(page.indexOf("</main>"))).as(name + ": scripts after the main")
                        .contains("<script");
                assertThat(page.substring(0, page.indexOf("</main>"))).as(name).doesNotContain("<script");
                assertThat(page).as(name + ": no inline script (CSP)").doesNotContainPattern("<script(?![^>]*th:src)");
            }
        });
    }

    @Test
    void filesOfPartsAreNoPages() {
        Map<String, String> parts = templates(true);
        assertThat(parts).containsKeys("fragments.html", "signin/parts.html", "signin/sent-code.html");
        parts.forEach((name, file) -> assertThat(file).as(name)
                .doesNotContainPattern(HEAD).doesNotContain("class=\"topbar\"", "<main", "layout :: page"));
    }

    @Test
    void theLayoutHoldsTheSkeletonOnce() {
        String layout = PARSER_COMMENT.matcher(read(TEMPLATES.resolve("layout.html"))).replaceAll("");
        assertThat(layout).contains("th:fragment=\"page(title, content, scripts)\"")
                .containsOnlyOnce("<!DOCTYPE html>").containsOnlyOnce("<html lang=\"en\">").containsOnlyOnce("<head>")
                .containsOnlyOnce("<title").containsOnlyOnce("class=\"topbar\"").containsOnlyOnce("href=\"#main\"")
                .containsOnlyOnce("th:replace=\"${content}\"").containsOnlyOnce("th:replace=\"${scripts}\"");
    }

    /** Code fields are fragments :: codeInput (6 digits) or fragments :: backupCodeInput, never written out by hand. */
    @Test
    void everyCodeFieldIsAFragment() {
        Map<String, String> all = new TreeMap<>(templates(false));
        all.putAll(templates(true));
        all.remove("fragments.html");
        all.forEach((name, file) -> {
            Matcher input = INPUT.matcher(file);
            while (input.find()) {
                assertThat(input.group()).as(name + ": a code field outside fragments.html")
                        .doesNotContain("name=\"code\"", "id=\"code\"", "one-time-code", "inputmode=\"numeric\"");
            }
        });
        String fragments = read(TEMPLATES.resolve("fragments.html"));
        assertThat(fragments).contains("th:fragment=\"codeInput(invalid, describedBy, focus)\"",
                "th:fragment=\"backupCodeInput(orCode, invalid, describedBy, focus)\"");
        assertThat(count(fragments, "name=\"code\"")).as("code inputs in fragments.html").isEqualTo(2);
    }

    /**
     * The templates outside mail/ but the layout, by path, without their parser comments: the pages (no th:fragment)
     * or the files of parts (fragmentFiles).
     */
    private static Map<String, String> templates(boolean fragmentFiles) {
        try (Stream<Path> files = Files.walk(TEMPLATES)) {
            List<Path> html = files.filter(f -> f.toString().endsWith(".html")).toList();
            Map<String, String> found = new TreeMap<>();
            for (Path file : html) {
                String name = TEMPLATES.relativize(file).toString().replace('\\', '/');
                if (name.startsWith("mail/") || name.equals("layout.html")) {
                    continue;
                }
                String text = PARSER_COMMENT.matcher(read(file)).replaceAll("");
                if (text.contains("th:fragment=") == fragmentFiles) {
                    found.put(name, text);
                }
            }
            return found;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static int count(String text, String regex) {
        return (int) Pattern.compile(regex).matcher(text).results().count();
    }
}
