package dev.gatehouse.testsupport;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;

/**
 * External programs that tests use as independent clients (oathtool, zbarimg, pdftotext, chromium...).
 * On a developer's machine a missing tool skips the test with a message naming it; under CI (CI=true) a missing
 * tool fails the test, because CI installs everything the tests need.
 */
public final class Tools {

    private Tools() {
    }

    public static boolean underCi() {
        return "true".equalsIgnoreCase(System.getenv("CI"));
    }

    /** Returns the absolute path of {@code name} on the PATH (or the absolute path given), or skips/fails. */
    public static String require(String name) {
        String found = find(name);
        if (found == null) {
            String message = name + " is not installed (apt-get install the package that provides it; .ci/run does)";
            if (underCi()) {
                Assertions.fail(message);
            }
            Assumptions.abort(message);
        }
        return found;
    }

    public static String find(String name) {
        if (name.startsWith("/")) {
            return new File(name).canExecute() ? name : null;
        }
        String path = System.getenv().getOrDefault("PATH", "/usr/local/bin:/usr/bin:/bin");
        for (String dir : path.split(File.pathSeparator)) {
            File candidate = new File(dir, name);
            if (candidate.isFile() && candidate.canExecute()) {
                return candidate.getAbsolutePath();
            }
        }
        return null;
    }

    /** Runs a command to completion (30 s at most) and returns its standard output; fails on a non-zero exit. */
    public static String run(List<String> command) {
        try {
            Process process = new ProcessBuilder(command).redirectErrorStream(false).start();
            process.getOutputStream().close();
            byte[] out = process.getInputStream().readAllBytes();
            byte[] err = process.getErrorStream().readAllBytes();
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                Assertions.fail(command.get(0) + " did not finish in 30 s");
            }
            if (process.exitValue() != 0) {
                Assertions.fail(command + " exited " + process.exitValue() + ": "
                        + new String(err, StandardCharsets.UTF_8));
            }
            return new String(out, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IllegalStateException("could not run " + command, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while running " + command, e);
        }
    }
}
