package dev.gatehouse.signin;

import io.micrometer.core.instrument.MeterRegistry;

import org.springframework.stereotype.Component;

import dev.gatehouse.factor.SecondFactorMethod;
import dev.gatehouse.system.MetricNames;

/** Counts sign-in steps by outcome and method ({@link MetricNames#SIGN_IN}); the method is asked, never named. */
@Component
class SignInMetrics {

    private final MeterRegistry meters;

    SignInMetrics(MeterRegistry meters) {
        this.meters = meters;
    }

    /** The password step's outcome; {@code trustedDevice} when a remembered browser stood in for the second step. */
    void password(SignInService.PasswordStep step, boolean trustedDevice) {
        meters.counter(MetricNames.SIGN_IN, "step", "password", "outcome", MetricNames.tag(step.getClass()),
                "method", trustedDevice ? "trusted_device" : "password", "amr", "pwd").increment();
    }

    /** The second step's outcome with {@code method}. */
    void secondFactor(SecondFactorMethod method, SecondFactorStep step) {
        meters.counter(MetricNames.SIGN_IN, "step", "second_factor", "outcome", MetricNames.tag(step.getClass()),
                "method", MetricNames.tag(method.type().name()), "amr", method.traits().amr()).increment();
    }
}
