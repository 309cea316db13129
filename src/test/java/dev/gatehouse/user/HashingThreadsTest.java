package dev.gatehouse.user;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static dev.gatehouse.deploy.DeploymentManifestsTest.runCommandFlags;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

import org.junit.jupiter.api.Test;

import dev.gatehouse.deploy.DeploymentManifestsTest;

/**
 * The threads hashes run on, and the shipped JVM flags that turn their Java priority into a lower share of the CPU
 * on Linux (checked in a JVM started with the flags, reading the kernel's nice value of such a thread).
 */
class HashingThreadsTest {

    private static final List<String> PRIORITY_FLAGS =
            List.of("-XX:ThreadPriorityPolicy=1", "-XX:JavaPriority1_To_OSPriority=10",
                    "-XX:JavaPriority6_To_OSPriority=0", "-XX:JavaPriority7_To_OSPriority=0",
                    "-XX:JavaPriority8_To_OSPriority=0", "-XX:JavaPriority9_To_OSPriority=0",
                    "-XX:JavaPriority10_To_OSPriority=0");

    @Test
    void hashingWhenRunThenOnALowestPriorityThreadOfItsOwn() {
        try (HashingThreads threads = new HashingThreads(2)) {
            Thread caller = Thread.currentThread();
            Thread ran = threads.run(Thread::currentThread);

            assertThat(ran).isNotSameAs(caller);
            assertThat(ran.getName()).startsWith("password-hashing-");
            assertThat(ran.getPriority()).isEqualTo(Thread.MIN_PRIORITY);
            assertThat(ran.isDaemon()).isTrue();
        }
    }

    @Test
    void hashingWhenTheWorkThrowsThenTheCallerGetsTheSameException() {
        IllegalArgumentException thrown = new IllegalArgumentException("bad hash");
        try (HashingThreads threads = new HashingThreads(1)) {
            assertThatThrownBy(() -> threads.run(() -> {
                throw thrown;
            })).isSameAs(thrown);
        }
    }

    @Test
    void hashingWhenTheNodeIsStoppingThenBusyNotAnError() {
        HashingThreads threads = new HashingThreads(1);
        threads.close();

        assertThatThrownBy(() -> threads.run(() -> "hash")).isInstanceOf(HashingBusy.class);
    }

    // From a review (review3): failed as first written (the waiting caller never returned).
    @Test
    void hashingWhenTheNodeStopsWhileAHashWaitsForAThreadThenThatCallerIsBusyNotLeftWaiting() throws Exception {
        HashingThreads threads = new HashingThreads(1);
        CountDownLatch running = new CountDownLatch(1);
        CountDownLatch finish = new CountDownLatch(1);
        ExecutorService callers = Executors.newFixedThreadPool(2);
        try {
            callers.submit(() -> threads.run(() -> {
                running.countDown();
                awaitUninterruptibly(finish);
                return "first";
            }));
            assertThat(running.await(10, TimeUnit.SECONDS)).isTrue();
            // Queued behind the first: a pool of one thread per permit queues every hash handed over once its
            // threads exist, so a stop always has a moment where one is queued.
            AtomicReference<Thread> second = new AtomicReference<>();
            Future<String> queued = callers.submit(() -> {
                second.set(Thread.currentThread());
                return threads.run(() -> "second");
            });
            awaitWaiting(second);

            threads.close();

            assertThatThrownBy(() -> queued.get(10, TimeUnit.SECONDS)).as("the queued caller ended")
                    .isInstanceOf(ExecutionException.class).hasCauseInstanceOf(HashingBusy.class);
        } finally {
            finish.countDown();
            callers.shutdownNow();
        }
    }

    @Test
    void hashingWhenTheCallerIsInterruptedThenBusyWithItsFlagSetAgain() {
        try (HashingThreads threads = new HashingThreads(1)) {
            Thread.currentThread().interrupt();
            try {
                assertThatThrownBy(() -> threads.run(() -> {
                    sleep(200);
                    return "hash";
                })).isInstanceOf(HashingBusy.class);
                assertThat(Thread.currentThread().isInterrupted()).isTrue();
            } finally {
                Thread.interrupted();
            }
        }
    }

    // From a review (review3): failed as first written (the interrupted caller gave its permit back at once, and the
    // next holder's hash queued behind the one still running).
    @Test
    void hashingWhenTheCallerIsInterruptedThenItsPermitIsHeldUntilItsHashEnds() throws Exception {
        HashingGate gate = new HashingGate(1, 0, Duration.ZERO, new SimpleMeterRegistry());
        CountDownLatch running = new CountDownLatch(1);
        CountDownLatch finish = new CountDownLatch(1);
        try (HashingThreads threads = new HashingThreads(1)) {
            Thread caller = new Thread(() -> {
                try {
                    gate.call(() -> threads.run(() -> {
                        running.countDown();
                        awaitUninterruptibly(finish);
                        return "hash";
                    }));
                } catch (HashingBusy expected) {
                    // what an interrupted caller gets
                }
            });
            caller.start();
            assertThat(running.await(10, TimeUnit.SECONDS)).isTrue();

            caller.interrupt();
            caller.join(300);

            assertThat(gate.available()).as("permits free while the one hash still runs").isZero();
            finish.countDown();
            caller.join(10_000);
            assertThat(caller.isAlive()).as("the caller ended once its hash did").isFalse();
            assertThat(gate.available()).isEqualTo(1);
        } finally {
            finish.countDown();
        }
    }

    @Test
    void shippedFlagsWhenTheRunCommandAndTheImageStartThenBothLowerTheHashingThreads() throws Exception {
        assertThat(runCommandFlags()).containsSubsequence(PRIORITY_FLAGS);
        assertThat(DeploymentManifestsTest.image().jvmFlags()).containsSubsequence(PRIORITY_FLAGS);
    }

    @Test
    void shippedFlagsWhenAJvmRunsWithThemThenALowestPriorityThreadHasNice10AndOthersKeep0() throws Exception {
        String out = probe();

        assertThat(out).contains("lowest=10").contains("normal=0");
    }

    // From a review (review3): failed as first written when run as root (./gatehouse or spring-boot:run in a VM or a
    // root container), where the policy also raises the JVM's own threads above the requests: nice -4 for the VM
    // thread, the JIT compilers and the GC workers, -5 for the reference handler, -3 for the finalizer and cleaner.
    @Test
    void shippedFlagsWhenAJvmRunsWithThemThenNoThreadIsRaisedAboveTheRequestsEvenAsRoot() throws Exception {
        String out = probe();

        assertThat(out).contains("raised=[]");
    }

    /** What {@link NiceProbe} printed, run in a JVM started with the run command's flags. */
    private static String probe() throws Exception {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(runCommandFlags());
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), NiceProbe.class.getName()));
        Process probe = new ProcessBuilder(command).redirectErrorStream(true).start();
        assertThat(probe.waitFor(60, TimeUnit.SECONDS)).as("the probe JVM ended").isTrue();
        return new String(probe.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    }

    private static void awaitUninterruptibly(CountDownLatch latch) {
        boolean interrupted = false;
        while (latch.getCount() > 0) {
            try {
                latch.await();
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    /** Waits until that caller has handed its hash over and waits for it (queued: the one thread is busy). */
    private static void awaitWaiting(AtomicReference<Thread> caller) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while ((caller.get() == null || caller.get().getState() != Thread.State.WAITING)
                && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }
        assertThat(caller.get().getState()).as("the second caller waits for its hash").isEqualTo(Thread.State.WAITING);
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Prints the kernel's nice value of a lowest-priority thread and of a normal one (Linux's per-thread stat). */
    static final class NiceProbe {

        public static void main(String[] args) throws Exception {
            String[] lowest = new String[1];
            Thread thread = new Thread(() -> lowest[0] = nice());
            thread.setPriority(Thread.MIN_PRIORITY);
            thread.start();
            thread.join();
            System.out.println("lowest=" + lowest[0] + " normal=" + nice() + " raised=" + raised());
        }

        private static String nice() {
            return nice(Path.of("/proc/thread-self/stat"));
        }

        /** The JVM's threads (its own included) with a nice value below 0: ahead of the requests. */
        private static List<String> raised() throws IOException {
            List<String> raised = new ArrayList<>();
            try (var tasks = Files.list(Path.of("/proc/self/task"))) {
                for (Path task : tasks.toList()) {
                    String stat;
                    try {
                        stat = Files.readString(task.resolve("stat"));
                    } catch (IOException ended) {
                        continue; // a thread that ended meanwhile (the JIT stops idle compiler threads)
                    }
                    String nice = niceIn(stat);
                    if (nice.startsWith("-")) {
                        raised.add(nice + " " + stat.substring(stat.indexOf('(') + 1, stat.lastIndexOf(')')));
                    }
                }
            }
            return raised;
        }

        private static String nice(Path stat) {
            try {
                return niceIn(Files.readString(stat));
            } catch (IOException e) {
                return "unreadable: " + e;
            }
        }

        /** The nice value in a line of /proc/.../stat: after "pid (name) ", state is field 3, nice field 19. */
        private static String niceIn(String stat) {
            return stat.substring(stat.lastIndexOf(')') + 2).split(" ")[16];
        }
    }
}
