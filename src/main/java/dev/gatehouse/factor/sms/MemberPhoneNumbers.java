package dev.gatehouse.factor.sms;

import org.springframework.stereotype.Component;

import dev.gatehouse.account.PhoneNumberCheck;
import dev.gatehouse.factor.DestinationCheck;

/** The account layer's {@link PhoneNumberCheck}: exactly the checks of a number set up for text-message codes. */
@Component
class MemberPhoneNumbers implements PhoneNumberCheck {

    private final SmsCodeMethod sms;

    MemberPhoneNumbers(SmsCodeMethod sms) {
        this.sms = sms;
    }

    @Override
    public boolean textMessagesAvailable() {
        return sms.available();
    }

    @Override
    public Result check(String typed, String region) {
        DestinationCheck checked = sms.checkDestination(typed, region);
        if (checked instanceof DestinationCheck.Valid valid) {
            return new Result.Valid(valid.value());
        }
        return new Result.Invalid(((DestinationCheck.Invalid) checked).problemKey());
    }
}
