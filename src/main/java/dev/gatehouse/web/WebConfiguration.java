package dev.gatehouse.web;

import java.util.List;

import org.springframework.context.annotation.Configuration;
import org.springframework.web.method.support.HandlerMethodArgumentResolver;
import org.springframework.web.servlet.config.annotation.InterceptorRegistry;
import org.springframework.web.servlet.config.annotation.WebMvcConfigurer;

import dev.gatehouse.signin.servlet.BrowserSessionArgumentResolver;

/** The web layer's own rules that sit beside the controllers rather than inside them. */
@Configuration(proxyBeanMethods = false)
class WebConfiguration implements WebMvcConfigurer {

    private final ConfirmFirstInterceptor confirmFirst;
    private final CurrentUserArgumentResolver currentUser;
    private final TwoFactorRequiredInterceptor twoFactorRequired;
    private final NewPasswordFirstInterceptor newPasswordFirst;

    WebConfiguration(ConfirmFirstInterceptor confirmFirst, CurrentUserArgumentResolver currentUser,
                     TwoFactorRequiredInterceptor twoFactorRequired, NewPasswordFirstInterceptor newPasswordFirst) {
        this.confirmFirst = confirmFirst;
        this.currentUser = currentUser;
        this.twoFactorRequired = twoFactorRequired;
        this.newPasswordFirst = newPasswordFirst;
    }

    @Override
    public void addArgumentResolvers(List<HandlerMethodArgumentResolver> resolvers) {
        resolvers.add(currentUser);
        resolvers.add(new BrowserSessionArgumentResolver());
    }

    @Override
    public void addInterceptors(InterceptorRegistry registry) {
        // First: a session signed in by a reset link goes nowhere else before its new password.
        registry.addInterceptor(newPasswordFirst).excludePathPatterns(NewPasswordFirstInterceptor.OPEN);
        registry.addInterceptor(twoFactorRequired).excludePathPatterns(TwoFactorRequiredInterceptor.OPEN);
        registry.addInterceptor(confirmFirst);
    }
}
