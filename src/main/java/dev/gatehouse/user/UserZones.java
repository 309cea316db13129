package dev.gatehouse.user;

import java.time.ZoneId;
import java.util.Optional;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

import dev.gatehouse.notify.RecipientZones;
import dev.gatehouse.system.Inputs;
import dev.gatehouse.system.Times;

/** The zone of the user an email goes to, looked up by their sign-in address. */
@Component
class UserZones implements RecipientZones {

    private final JdbcClient jdbc;

    UserZones(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    @Override
    public Optional<ZoneId> zoneOf(String address) {
        if (address == null || address.length() > 320) {
            return Optional.empty();
        }
        return jdbc.sql("select time_zone from users where email_normalized = ? and time_zone is not null")
                .param(Inputs.normalizeEmail(address)).query(String.class).optional().flatMap(Times::zone);
    }
}
