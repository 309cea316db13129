package dev.gatehouse;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;

import org.springframework.boot.Banner;
import org.springframework.boot.SpringApplication;
import org.springframework.context.ApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;

import dev.gatehouse.factor.FactorService;
import dev.gatehouse.system.ClientInfo;
import dev.gatehouse.user.User;
import dev.gatehouse.user.UserService;

/**
 * What the server's operator runs from its command line instead of the server (docs/operations.md, "Operator
 * commands"). One for now: {@code reset-two-factor <email>}, the way back for a user no admin can reset, such as the
 * sole owner of an account who lost every method and backup code. Whoever can run it already holds the database and
 * the sealing key, so it asks nothing more; what it did is recorded on the user's activity, and the user and the
 * alert recipients of their accounts are emailed.
 *
 * <p>It starts the application with the same settings as the server (the arguments after the address are settings, as
 * for the server), listening on no fixed port, does its work in the database and stops: on PostgreSQL beside running
 * nodes, which see the change at once; the trial's embedded database is one process's at a time, so the trial server
 * is stopped first.
 */
public final class OperatorCommands {

    static final String RESET_TWO_FACTOR = "reset-two-factor";

    static final String USAGE = """
            Usage: gatehouse reset-two-factor <email> [--setting=value ...]
              Removes every two-step method and backup code of the user who signs in with <email>, forgets their
              remembered devices, signs them out everywhere and lifts a code lockout. Their password alone then signs
              them in, to set up a new method. Give the server's own settings (profile, database, data folder).""";

    /** Unless the operator gives them: a command takes none of the server's ports and prints only its own words. */
    private static final List<String> COMMAND_SETTINGS = List.of("--server.port=0", "--server.address=127.0.0.1",
            "--management.server.port=0", "--management.server.address=127.0.0.1", "--spring.main.banner-mode=off",
            "--logging.level.root=OFF");

    private OperatorCommands() {
    }

    /** Empty when {@code args} name no command (the server starts); else the command's exit status. */
    public static OptionalInt run(String[] args, PrintStream out, PrintStream err) {
        if (args.length == 0 || !RESET_TWO_FACTOR.equals(args[0])) {
            return OptionalInt.empty();
        }
        if (args.length < 2 || args[1].startsWith("--") || args[1].isBlank()) {
            err.println(USAGE);
            return OptionalInt.of(2);
        }
        List<String> settings = new ArrayList<>(Arrays.asList(args).subList(2, args.length));
        // A setting given twice would be read as both values joined: the operator's own is kept.
        COMMAND_SETTINGS.stream()
                .filter(ours -> settings.stream().noneMatch(theirs -> theirs.startsWith(ours.substring(0,
                        ours.indexOf('=') + 1))))
                .forEach(settings::add);
        SpringApplication application = new SpringApplication(GatehouseApplication.class);
        application.setBannerMode(Banner.Mode.OFF);
        application.setLogStartupInfo(false);
        ConfigurableApplicationContext context;
        try {
            context = application.run(settings.toArray(String[]::new));
        } catch (RuntimeException failed) {
            err.println("gatehouse: could not start with these settings, nothing was changed: " + rootCause(failed));
            err.println("  (the trial's embedded database cannot be open in two processes: stop the trial server "
                    + "first; add --logging.level.root=INFO to see the start-up)");
            return OptionalInt.of(1);
        }
        try (context) {
            return OptionalInt.of(resetTwoFactor(context, args[1], out, err));
        }
    }

    /** The reset itself, in a started application: 0 when done, 1 when no user signs in with {@code email}. */
    public static int resetTwoFactor(ApplicationContext context, String email, PrintStream out, PrintStream err) {
        Optional<User> user = context.getBean(UserService.class).findByEmail(email.strip());
        if (user.isEmpty()) {
            err.println("gatehouse: no user signs in with " + email.strip() + "; nothing was changed");
            return 1;
        }
        int removed = context.getBean(FactorService.class).resetByOperator(user.get(), ClientInfo.SYSTEM);
        out.println("Reset the two-step verification of " + user.get().displayName() + " <" + user.get().email()
                + ">: " + removed + (removed == 1 ? " method" : " methods") + " and every backup code removed, "
                + "remembered devices forgotten, signed out everywhere. They and the security alert recipients of "
                + "their accounts are emailed; their password alone signs them in now, to set up a new method.");
        return 0;
    }

    private static String rootCause(Throwable failed) {
        Throwable cause = failed;
        while (cause.getCause() != null && cause.getCause() != cause) {
            cause = cause.getCause();
        }
        String message = cause.getMessage() == null ? cause.getClass().getSimpleName() : cause.getMessage();
        return message.lines().findFirst().orElse("").strip();
    }
}
