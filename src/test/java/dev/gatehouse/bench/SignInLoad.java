package dev.gatehouse.bench;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import dev.gatehouse.bench.BrowserSignIn.Outcome;
import dev.gatehouse.bench.BrowserSignIn.Step;
import dev.gatehouse.reliability.People.Person;

/**
 * Sign-ins by a fixed number of browsers at once, each starting its next sign-in as soon as its last one ended, every
 * one by a person who has not signed in before (so no authenticator code is ever used twice). The browsers run
 * through a warm-up, then a measured window: the figures are the sign-ins that ended inside the window; the sign-ins
 * in flight when it closes are finished and left out. Failures are counted wherever they happened.
 */
final class SignInLoad {

    /**
     * What one concurrency gave: {@code signIns} ended in the measured window of {@code seconds}, {@code completed}
     * in the whole run (warm-up and the last ones in flight too).
     */
    record Result(int concurrency, int signIns, int completed, double seconds, Map<Step, long[]> sortedStepNanos,
                  Map<String, Integer> failures) {

        double perSecond() {
            return signIns / seconds;
        }

        double p(Step step, double percentile) {
            return BenchReport.percentileMs(sortedStepNanos.get(step), percentile);
        }

        int failureCount() {
            return failures.values().stream().mapToInt(Integer::intValue).sum();
        }
    }

    private final int port;
    private final Queue<Person> people;

    /** Against {@code port}, with the people of {@code people}, each taken once. */
    SignInLoad(int port, List<Person> people) {
        this.port = port;
        this.people = new ConcurrentLinkedQueue<>(people);
    }

    Result run(int concurrency, Duration warmUp, Duration measured) throws Exception {
        long windowStart = System.nanoTime() + warmUp.toNanos();
        long windowEnd = windowStart + measured.toNanos();
        ConcurrentLinkedQueue<Outcome> outcomes = new ConcurrentLinkedQueue<>();
        ExecutorService browsers = Executors.newFixedThreadPool(concurrency);
        try {
            List<Future<?>> running = new ArrayList<>();
            for (int b = 0; b < concurrency; b++) {
                running.add(browsers.submit(() -> {
                    BrowserSignIn browser = new BrowserSignIn(port);
                    while (System.nanoTime() < windowEnd) {
                        Person person = people.poll();
                        if (person == null) {
                            outcomes.add(new Outcome(System.nanoTime(), new long[Step.values().length],
                                    "benchmark ran out of people"));
                            return;
                        }
                        outcomes.add(browser.signIn(person));
                    }
                }));
            }
            for (Future<?> browser : running) {
                browser.get();
            }
        } finally {
            browsers.shutdown();
        }
        return result(concurrency, outcomes, windowStart, windowEnd);
    }

    private static Result result(int concurrency, Iterable<Outcome> outcomes, long windowStart, long windowEnd) {
        Map<Step, List<Long>> byStep = new java.util.EnumMap<>(Step.class);
        Map<String, Integer> failures = new TreeMap<>();
        int signIns = 0;
        int completed = 0;
        for (Outcome outcome : outcomes) {
            if (!outcome.signedIn()) {
                failures.merge(outcome.failure(), 1, Integer::sum);
                continue;
            }
            completed++;
            if (outcome.endNanos() >= windowStart && outcome.endNanos() < windowEnd) {
                signIns++;
                for (Step step : Step.values()) {
                    byStep.computeIfAbsent(step, s -> new ArrayList<>()).add(outcome.stepNanos()[step.ordinal()]);
                }
            }
        }
        Map<Step, long[]> sorted = new java.util.EnumMap<>(Step.class);
        for (Step step : Step.values()) {
            long[] nanos = byStep.getOrDefault(step, List.of()).stream().mapToLong(Long::longValue).toArray();
            Arrays.sort(nanos);
            sorted.put(step, nanos);
        }
        return new Result(concurrency, signIns, completed, (windowEnd - windowStart) / 1e9, sorted, failures);
    }
}
