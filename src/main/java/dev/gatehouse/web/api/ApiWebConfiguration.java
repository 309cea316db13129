package dev.gatehouse.web.api;

import java.util.List;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.context.annotation.Configuration;
import org.springframework.web.method.support.HandlerMethodArgumentResolver;
import org.springframework.web.servlet.config.annotation.InterceptorRegistry;
import org.springframework.web.servlet.config.annotation.WebMvcConfigurer;

import dev.gatehouse.oidc.AccountClients;

/** The API's checks ({@link ApiAccess}) on every {@code /api/**} handler, and its {@link ApiCaller} parameter. */
@Configuration(proxyBeanMethods = false)
class ApiWebConfiguration implements WebMvcConfigurer {

    private final ApiAccess access;

    /** The clients' store is looked up per call: page slices ({@code @WebMvcTest}) load this without it. */
    ApiWebConfiguration(ObjectProvider<AccountClients> clients) {
        this.access = new ApiAccess(clients);
    }

    @Override
    public void addArgumentResolvers(List<HandlerMethodArgumentResolver> resolvers) {
        resolvers.add(new ApiCallerResolver());
    }

    @Override
    public void addInterceptors(InterceptorRegistry registry) {
        registry.addInterceptor(access).addPathPatterns("/api/**");
    }
}
