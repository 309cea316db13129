package dev.gatehouse.web;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * A security change: the handler runs only in a session that re-confirmed lately (DESIGN.md invariant 8); any other
 * is sent to "Confirm it's you" first and comes back to {@link #next}. Enforced by {@link ConfirmFirstInterceptor}
 * before the handler is called, so a handler never has to remember it; {@code ConfirmFirstRoutesOnH2Test} fails when
 * a state-changing settings route is neither annotated nor listed there as exempt, with the reason.
 */
@Documented
@Target(ElementType.METHOD)
@Retention(RetentionPolicy.RUNTIME)
public @interface ConfirmFirst {

    /**
     * The page to come back to after confirming, as a path template over the handler's path variables (e.g.
     * {@code /settings/two-factor/{method}}); empty for the request's own path. Must be a page "Confirm it's you" may
     * lead to ({@link ReconfirmLinks#safeNext}), else it leads to the Security page.
     */
    String next() default "";

    /**
     * The form asks for the current password itself (the password change): the session is sent to confirm only when
     * a second factor is due, and the password in the form stands for the password part.
     */
    boolean passwordInForm() default false;
}
