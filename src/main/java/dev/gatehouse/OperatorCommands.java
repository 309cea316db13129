package dev.gatehouse;

import java.io.PrintStream;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;

import org.springframework.boot.Banner;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.context.event.ApplicationEnvironmentPreparedEvent;
import org.springframework.context.ApplicationContext;
import org.springframework.context.ApplicationListener;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.core.Ordered;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.MapPropertySource;

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
 * is stopped first. Exit status: 0 done, 1 no such user, 2 wrong arguments, 3 could not start or failed (nothing
 * changed: the reset is one transaction).
 */
public final class OperatorCommands {

    static final String RESET_TWO_FACTOR = "reset-two-factor";

    static final int DONE = 0;
    static final int NO_SUCH_USER = 1;
    static final int USAGE_ERROR = 2;
    static final int FAILED = 3;

    static final String USAGE = """
            Usage: gatehouse reset-two-factor <email> [--setting=value ...]
              Removes every two-step method and backup code of the user who signs in with <email>, forgets their
              remembered devices, signs them out everywhere and lifts a code lockout. Their password alone then signs
              them in, to set up a new method. Give the server's own settings (profile, database, data folder).""";

    private OperatorCommands() {
    }

    /**
     * Empty when {@code args} are settings only (the server starts); else the command's exit status. A word that is no
     * setting and no command is refused rather than ignored: a mistyped command must not start the server.
     */
    public static OptionalInt run(String[] args, PrintStream out, PrintStream err) {
        List<String> words = Arrays.stream(args).filter(a -> !a.startsWith("-")).toList();
        if (words.isEmpty()) {
            return OptionalInt.empty();
        }
        // The command first, then one address, then settings.
        if (words.size() != 2 || !args[0].equals(RESET_TWO_FACTOR) || !args[1].equals(words.get(1))
                || args[1].isBlank()) {
            err.println(words.get(0).equals(RESET_TWO_FACTOR) ? USAGE
                    : "gatehouse: unknown command " + words.get(0) + " (settings are --name=value)\n\n" + USAGE);
            return OptionalInt.of(USAGE_ERROR);
        }
        SpringApplication application = new SpringApplication(GatehouseApplication.class);
        application.setBannerMode(Banner.Mode.OFF);
        application.setLogStartupInfo(false);
        // Its own words only, unless the operator asks for a log level (application.yml sets one for the server).
        boolean quiet = System.getenv("LOGGING_LEVEL_ROOT") == null && Arrays.stream(args)
                .noneMatch(a -> a.toLowerCase(java.util.Locale.ROOT).startsWith("--logging.level.root="));
        application.addListeners(new CommandSettings(quiet));
        ConfigurableApplicationContext context;
        try {
            context = application.run(Arrays.copyOfRange(args, 2, args.length));
        } catch (RuntimeException failed) {
            err.println("gatehouse: could not start with these settings, nothing was changed: " + rootCause(failed));
            err.println("  (the trial's embedded database cannot be open in two processes: stop the trial server "
                    + "first; add --logging.level.root=INFO to see the start-up)");
            return OptionalInt.of(FAILED);
        }
        try (context) {
            return OptionalInt.of(resetTwoFactor(context, args[1], out, err));
        }
    }

    /** The reset itself, in a started application: see the class's exit statuses. */
    public static int resetTwoFactor(ApplicationContext context, String email, PrintStream out, PrintStream err) {
        Optional<User> user = context.getBean(UserService.class).findByEmail(email.strip());
        if (user.isEmpty()) {
            err.println("gatehouse: no user signs in with " + email.strip() + " in this database; nobody was reset");
            return NO_SUCH_USER;
        }
        String who = user.get().displayName() + " <" + user.get().email() + ">";
        int removed;
        try {
            removed = context.getBean(FactorService.class).resetByOperator(user.get(), ClientInfo.SYSTEM);
        } catch (RuntimeException failed) {
            err.println("gatehouse: the reset of " + who + " failed, nothing was changed: " + rootCause(failed));
            return FAILED;
        }
        if (removed == 0) {
            out.println(who + " has no two-step method: nothing to remove, nobody emailed (a code lockout, if any, "
                    + "is lifted). Their password alone signs them in.");
        } else {
            out.println("Reset the two-step verification of " + who + ": " + removed
                    + (removed == 1 ? " method" : " methods") + " and every backup code removed, remembered devices "
                    + "forgotten, signed out everywhere. They and the security alert recipients of their accounts "
                    + "are emailed; their password alone signs them in now, to set up a new method.");
        }
        return DONE;
    }

    /**
     * The command's own settings, put before every other: no port of the server's (its links keep the server's
     * address, read before the port changes), and with {@code quiet} no log at all. After the configuration files are
     * read, before logging starts.
     */
    static final class CommandSettings implements ApplicationListener<ApplicationEnvironmentPreparedEvent>, Ordered {

        private final boolean quiet;

        CommandSettings(boolean quiet) {
            this.quiet = quiet;
        }

        @Override
        public void onApplicationEvent(ApplicationEnvironmentPreparedEvent event) {
            ConfigurableEnvironment environment = event.getEnvironment();
            Map<String, Object> ours = new LinkedHashMap<>();
            ours.put("gatehouse.base-url", environment.getProperty("gatehouse.base-url", "http://localhost:8080"));
            ours.put("server.port", "0");
            ours.put("server.address", "127.0.0.1");
            ours.put("management.server.port", "0");
            ours.put("management.server.address", "127.0.0.1");
            if (quiet) {
                ours.put("logging.level.root", "OFF");
            }
            environment.getPropertySources().addFirst(new MapPropertySource("gatehouse-operator-command", ours));
        }

        @Override
        public int getOrder() {
            // Config data is read at HIGHEST_PRECEDENCE + 10 and logging starts at + 20.
            return Ordered.HIGHEST_PRECEDENCE + 15;
        }
    }

    /** The first line of the innermost cause, without a password a database URL may carry. */
    static String rootCause(Throwable failed) {
        Throwable cause = failed;
        while (cause.getCause() != null && cause.getCause() != cause) {
            cause = cause.getCause();
        }
        String message = cause.getMessage() == null ? cause.getClass().getSimpleName() : cause.getMessage();
        return message.lines().findFirst().orElse("").strip()
                .replaceAll("(?i)(password=)[^&;\\s]+", "$1***")
                .replaceAll("(//|^|\\s)[^/@\\s]+:[^/@\\s]+@", "$1***@");
    }
}
