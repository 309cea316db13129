package dev.gatehouse.web.api;

import org.springframework.core.MethodParameter;
import org.springframework.web.bind.support.WebDataBinderFactory;
import org.springframework.web.context.request.NativeWebRequest;
import org.springframework.web.context.request.RequestAttributes;
import org.springframework.web.method.support.HandlerMethodArgumentResolver;
import org.springframework.web.method.support.ModelAndViewContainer;

/** Gives an API handler its {@link ApiCaller}, as checked by {@link ApiAccess}; refuses (401) when there is none. */
class ApiCallerResolver implements HandlerMethodArgumentResolver {

    @Override
    public boolean supportsParameter(MethodParameter parameter) {
        return parameter.getParameterType() == ApiCaller.class;
    }

    @Override
    public Object resolveArgument(MethodParameter parameter, ModelAndViewContainer container, NativeWebRequest request,
                                  WebDataBinderFactory binders) {
        if (request.getAttribute(ApiAccess.CALLER, RequestAttributes.SCOPE_REQUEST) instanceof ApiCaller caller) {
            return caller;
        }
        throw ApiProblem.unauthorized("Use an access token of a service client (client credentials).");
    }
}
