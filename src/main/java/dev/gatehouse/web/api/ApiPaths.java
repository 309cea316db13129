package dev.gatehouse.web.api;

/** The API's paths: every resource lives under one account, named by {@code {accountId}} ({@link ApiAccess}). */
public final class ApiPaths {

    public static final String BASE = "/api/v1";
    /** One account; every API path starts with it. */
    public static final String ACCOUNT = BASE + "/accounts/{accountId}";

    private ApiPaths() {
    }
}
