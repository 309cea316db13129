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

    WebConfiguration(ConfirmFirstInterceptor confirmFirst, CurrentUserArgumentResolver currentUser,
                     TwoFactorRequiredInterceptor twoFactorRequired) {
        this.confirmFirst = confirmFirst;
        this.currentUser = currentUser;
        this.twoFactorRequired = twoFactorRequired;
    }

    @Override
    public void addArgumentResolvers(List<HandlerMethodArgumentResolver> resolvers) {
        resolvers.add(currentUser);
        resolvers.add(new BrowserSessionArgumentResolver());
    }

    @Override
    public void addInterceptors(InterceptorRegistry registry) {
        registry.addInterceptor(twoFactorRequired).excludePathPatterns(TwoFactorRequiredInterceptor.OPEN);
        registry.addInterceptor(confirmFirst);
    }
}
