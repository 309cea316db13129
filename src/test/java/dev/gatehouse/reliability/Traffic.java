package dev.gatehouse.reliability;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Pattern;

import dev.gatehouse.testsupport.WebSession;
import dev.gatehouse.testsupport.WebSession.Page;

/**
 * What the suite's browsers were answered, across threads: a count per status, the requests that failed before an
 * answer (connection refused or cut), and every answer that showed something it must never show.
 */
final class Traffic {

    /** What a stack trace, a SQL error or a connection string looks like in a page. */
    private static final Pattern LEAK = Pattern.compile(
            "\\bat [a-z]+\\.[a-zA-Z.$]+\\(|[A-Za-z]+Exception\\b|org\\.postgresql|jdbc:|SQLState|HikariPool|"
                    + "Whitelabel Error Page|\\bSQL\\b");

    /** The title of Gatehouse's error page (messages.properties, error.title). */
    static final String ERROR_PAGE = "Something went wrong";

    private static final Pattern BARE_CONTAINER_PAGE = Pattern.compile("<h1>HTTP Status 500 . Internal Server Error</h1>");
    /** What Tomcat's error page shows when its report is on: the exception, its message, the server's version. */
    private static final Pattern CONTAINER_REPORT = Pattern.compile(
            "<b>(Type|Message|Description|Exception|Root Cause)</b>|Apache Tomcat/");
    private final AtomicInteger bareContainerPages = new AtomicInteger();

    private final Map<Integer, AtomicInteger> byStatus = new java.util.concurrent.ConcurrentHashMap<>();
    private final AtomicInteger broken = new AtomicInteger();
    private final ConcurrentLinkedQueue<String> leaks = new ConcurrentLinkedQueue<>();

    /** A browser whose every answer is recorded here. */
    WebSession browser(int port) {
        return new WebSession(port).checkEachResponse(this::record);
    }

    void record(Page page) {
        byStatus.computeIfAbsent(page.status(), s -> new AtomicInteger()).incrementAndGet();
        if (LEAK.matcher(page.body()).find()) {
            leaks.add(page.status() + ": " + page.body().substring(0, Math.min(400, page.body().length())));
        }
        if (page.status() >= 500 && !page.header("Content-Type").orElse("").startsWith("text/html")) {
            leaks.add(page.status() + " not a page: " + page.header("Content-Type").orElse("(no type)"));
        }
        // A node's failure answer is its calm error page; or, where rendering that page failed too (the error
        // dispatch needs the session, which is in the database), Tomcat's page without a report, which Boot sets up
        // with server.error.include-stacktrace=never: a title and nothing else. Counted, to be told apart.
        if (page.status() == 500 && !page.body().contains(ERROR_PAGE)) {
            if (BARE_CONTAINER_PAGE.matcher(page.body()).find() && !CONTAINER_REPORT.matcher(page.body()).find()) {
                bareContainerPages.incrementAndGet();
            } else {
                leaks.add("500 that is neither Gatehouse's error page nor a bare one: "
                        + page.body().substring(0, Math.min(400, page.body().length())));
            }
        }
    }

    /** A request that got no answer at all (the connection was refused or cut). */
    void broken() {
        broken.incrementAndGet();
    }

    /** 500 answers that were Tomcat's bare page rather than Gatehouse's (see {@link #record}). */
    int bareContainerPages() {
        return bareContainerPages.get();
    }

    int brokenCount() {
        return broken.get();
    }

    int count(int status) {
        AtomicInteger n = byStatus.get(status);
        return n == null ? 0 : n.get();
    }

    int failedAnswers() {
        return byStatus.entrySet().stream().filter(e -> e.getKey() >= 500).mapToInt(e -> e.getValue().get()).sum();
    }

    List<String> leaks() {
        return new ArrayList<>(leaks);
    }

    @Override
    public String toString() {
        Map<Integer, Integer> sorted = new TreeMap<>();
        byStatus.forEach((status, n) -> sorted.put(status, n.get()));
        return "answers by status " + sorted + ", no answer " + broken.get();
    }
}
