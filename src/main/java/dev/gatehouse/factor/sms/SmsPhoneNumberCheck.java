package dev.gatehouse.factor.sms;

import org.springframework.stereotype.Component;

import dev.gatehouse.account.PhoneNumberCheck;
import dev.gatehouse.factor.DestinationCheck;

/** The account layer's phone-number check, with exactly the rules a text-message code's number must meet. */
@Component
class SmsPhoneNumberCheck implements PhoneNumberCheck {

    private final SmsCodeMethod sms;

    SmsPhoneNumberCheck(SmsCodeMethod sms) {
        this.sms = sms;
    }

    @Override
    public boolean available() {
        return sms.available();
    }

    @Override
    public Result check(String typed, String region) {
        DestinationCheck checked = sms.checkDestination(typed, region);
        return checked instanceof DestinationCheck.Valid valid ? new Result.Valid(valid.value())
                : new Result.Invalid(((DestinationCheck.Invalid) checked).problemKey());
    }
}
