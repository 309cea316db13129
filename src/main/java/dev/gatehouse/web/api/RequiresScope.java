package dev.gatehouse.web.api;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * The scope an API handler needs ({@code dev.gatehouse.oidc.ApiScopes}); with several, any one of them will do.
 * Every handler under {@code /api/v1} must carry it: {@link ApiAccess} checks it before the handler runs and refuses
 * a handler without it (fail closed), and {@code ApiHandlersTest} fails when one lacks it. A caller without the scope
 * gets 403 {@code insufficient-scope}.
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.METHOD)
public @interface RequiresScope {

    /** The scopes, any one of which lets the caller in; never empty. */
    String[] value();
}
