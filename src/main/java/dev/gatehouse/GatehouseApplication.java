package dev.gatehouse;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;
import org.springframework.boot.security.autoconfigure.UserDetailsServiceAutoConfiguration;

/** Users are ours ({@code user/}), so Boot's generated in-memory user (and its logged password) is left out. */
@SpringBootApplication(exclude = UserDetailsServiceAutoConfiguration.class)
@ConfigurationPropertiesScan
public class GatehouseApplication {
    public static void main(String[] args) {
        // The operator's commands (reset-two-factor) run instead of the server and exit.
        java.util.OptionalInt command = OperatorCommands.run(args, System.out, System.err);
        if (command.isPresent()) {
            System.exit(command.getAsInt());
        }
        SpringApplication.run(GatehouseApplication.class, args);
    }
}
