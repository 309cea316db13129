package dev.gatehouse.web;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

import org.springframework.boot.webmvc.test.autoconfigure.WebMvcTest;
import org.springframework.context.annotation.Import;
import org.springframework.core.annotation.AliasFor;
import org.springframework.test.context.bean.override.mockito.MockitoBean;

import dev.gatehouse.account.AccountService;
import dev.gatehouse.audit.AuditLog;
import dev.gatehouse.factor.SecondFactors;
import dev.gatehouse.signin.SignInService;
import dev.gatehouse.signin.TwoFactorRequirement;
import dev.gatehouse.user.UserDetails;
import dev.gatehouse.user.UserService;

/**
 * A {@code @WebMvcTest} of page controllers: the named controllers behind the real security rules
 * ({@link SecurityConfiguration}: form tokens, the sign-in redirect, the return-page cookie), the real web rules
 * ({@link WebConfiguration}: {@code BrowserSession} and {@code @CurrentUser} parameters, {@code @ConfirmFirst}),
 * the real top-bar advice, and templates rendered for real by Thymeleaf with the real messages, at a fixed clock
 * ({@link PageSliceConfiguration#NOW}). No database, no server: the services are Mockito mocks, reset after each test;
 * a test takes the ones it stubs with {@code @Autowired}.
 *
 * <p>What a slice cannot show is left to the {@code *Flow*} tests on a whole server: what the services really do,
 * sessions stored by Spring Session, and a forward to {@code /denied} being rendered (MockMvc records a forward but
 * does not follow it).
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@Documented
@Inherited
@WebMvcTest
@Import(PageSliceConfiguration.class)
@MockitoBean(types = {SignInService.class, SecondFactors.class, UserService.class, AccountService.class,
        AuditLog.class, TwoFactorRequirement.class, UserDetails.class})
public @interface PageSliceTest {

    /** The controllers under test (only these are created; every other controller is left out). */
    @AliasFor(annotation = WebMvcTest.class, attribute = "controllers")
    Class<?>[] value() default {};
}
