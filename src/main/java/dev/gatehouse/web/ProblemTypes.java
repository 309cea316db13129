package dev.gatehouse.web;

/** The RFC 9457 problem types this server answers with: {@link #BASE} + a slug that never changes once published. */
public final class ProblemTypes {

    /** Every problem type's base; docs/api.md lists the slugs. */
    public static final String BASE = "https://gatehouse.dev/problems/";

    private ProblemTypes() {
    }
}
