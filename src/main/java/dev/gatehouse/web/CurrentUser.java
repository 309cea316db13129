package dev.gatehouse.web;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * A handler parameter of type {@code dev.gatehouse.user.User}: the signed-in user's row, loaded once for the request
 * ({@link CurrentUserArgumentResolver}). Only on pages that need a signed-in session.
 */
@Documented
@Target(ElementType.PARAMETER)
@Retention(RetentionPolicy.RUNTIME)
public @interface CurrentUser {
}
