package dev.gatehouse.web;

/** What a page with a form shows again of what was typed, after a problem. */
public final class FormEcho {

    private FormEcho() {
    }

    /** What is echoed back into a form after a problem: bounded, so a 10 KB name is not reflected whole. */
    public static String cut(String value) {
        String v = value == null ? "" : value.strip();
        return v.length() > 400 ? v.substring(0, 400) : v;
    }
}
