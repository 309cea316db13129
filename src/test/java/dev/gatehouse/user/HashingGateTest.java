package dev.gatehouse.user;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import dev.gatehouse.system.MetricNames;

/** The hashing gate with fixed permits, held open by latches: no sleeps, no timing. */
class HashingGateTest {

    private static final Duration LONG = Duration.ofMinutes(1);

    private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
    private final CountDownLatch release = new CountDownLatch(1);
    private final List<CompletableFuture<?>> started = new ArrayList<>();
    /** A thread per task: a task blocked on a latch must not keep another from starting. */
    private final ExecutorService threads = Executors.newCachedThreadPool();

    @AfterEach
    void releaseAll() {
        release.countDown();
        started.forEach(CompletableFuture::join);
        threads.shutdownNow();
    }

    /** Starts a thread that takes a turn and keeps it until {@link #release}; returns once it holds the turn. */
    private void hold(HashingGate gate) throws InterruptedException {
        CountDownLatch holding = new CountDownLatch(1);
        started.add(CompletableFuture.runAsync(() -> gate.call(() -> {
            holding.countDown();
            await(release);
            return null;
        }), threads));
        assertThat(holding.await(30, TimeUnit.SECONDS)).isTrue();
    }

    private static void await(CountDownLatch latch) {
        try {
            latch.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Spins (no sleep) until the condition holds, failing after 30 s so a bug cannot hang the build. */
    private static void until(BooleanSupplier condition) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!condition.getAsBoolean()) {
            assertThat(System.nanoTime()).as("condition not reached in 30 s").isLessThan(deadline);
            Thread.onSpinWait();
        }
    }

    @Test
    void callWhenATurnIsFreeThenRunsAtOnce() {
        HashingGate gate = new HashingGate(2, 0, Duration.ZERO, meters);
        assertThat(gate.call(() -> 42)).isEqualTo(42);
        assertThat(gate.available()).as("the turn is given back").isEqualTo(2);
    }

    @Test
    void callWhenEveryTurnTakenAndNoQueueThenRefusedWithoutRunningTheWork() throws InterruptedException {
        HashingGate gate = new HashingGate(1, 0, LONG, meters);
        hold(gate);
        AtomicBoolean ran = new AtomicBoolean();

        assertThatThrownBy(() -> gate.call(() -> ran.getAndSet(true))).isInstanceOf(HashingBusy.class);
        assertThat(ran).isFalse();
        assertThat(meters.counter(MetricNames.PASSWORD_BUSY).count()).isEqualTo(1);
    }

    @Test
    void callWhenQueueFullThenTheNextIsRefusedAndTheQueuedOneRunsWhenATurnFrees() throws Exception {
        HashingGate gate = new HashingGate(1, 1, LONG, meters);
        hold(gate);
        CompletableFuture<String> queued = CompletableFuture.supplyAsync(() -> gate.call(() -> "queued ran"), threads);
        until(() -> gate.waiting() == 1);
        assertThat(meters.get(MetricNames.PASSWORD_QUEUE).gauge().value()).isEqualTo(1.0);

        assertThatThrownBy(() -> gate.call(() -> "third")).as("the queue holds one").isInstanceOf(HashingBusy.class);
        assertThat(queued).isNotDone();

        release.countDown();
        assertThat(queued.get(30, TimeUnit.SECONDS)).isEqualTo("queued ran");
        assertThat(gate.waiting()).isZero();
        assertThat(meters.counter(MetricNames.PASSWORD_BUSY).count()).isEqualTo(1);
    }

    @Test
    void callWhenNoTurnFreesWithinTheMaxWaitThenRefused() throws InterruptedException {
        HashingGate gate = new HashingGate(1, 5, Duration.ZERO, meters);
        hold(gate);

        assertThatThrownBy(() -> gate.call(() -> "late")).isInstanceOf(HashingBusy.class);
        assertThat(gate.waiting()).as("a refused waiter leaves the queue").isZero();
    }

    @Test
    void callWhenManyAtOnceThenNeverMoreThanThePermitsRunTogether() throws Exception {
        HashingGate gate = new HashingGate(2, 8, LONG, meters);
        AtomicInteger running = new AtomicInteger();
        AtomicInteger most = new AtomicInteger();
        List<CompletableFuture<Integer>> calls = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            calls.add(CompletableFuture.supplyAsync(() -> gate.call(() -> {
                most.accumulateAndGet(running.incrementAndGet(), Math::max);
                await(release);
                running.decrementAndGet();
                return 1;
            }), threads));
        }
        until(() -> running.get() == 2 && gate.waiting() == 6);

        release.countDown();
        assertThat(calls.stream().mapToInt(CompletableFuture::join).sum()).isEqualTo(8);
        assertThat(most).hasValue(2);
    }

    @Test
    void callWhenNestedOnOneThreadThenUsesTheTurnItHolds() {
        HashingGate gate = new HashingGate(1, 0, Duration.ZERO, meters);
        assertThat(gate.call(() -> gate.call(() -> gate.available()))).as("no second turn taken, no deadlock")
                .isZero();
        assertThat(gate.available()).isEqualTo(1);
    }

    @Test
    void callWhenTheWorkThrowsThenTheTurnIsGivenBack() {
        HashingGate gate = new HashingGate(1, 0, Duration.ZERO, meters);
        assertThatThrownBy(() -> gate.call(() -> {
            throw new IllegalStateException("bug");
        })).isInstanceOf(IllegalStateException.class);
        assertThat(gate.call(() -> "next")).isEqualTo("next");
    }

    @Test
    void permitsWhenNotSetThenTheProcessorsButNoMoreThanTheHeapHolds() {
        PasswordProperties.Hashing unset = new PasswordProperties.Hashing(0, 64, Duration.ofSeconds(2));
        int cores = Runtime.getRuntime().availableProcessors();
        long mib = 1L << 20;
        assertThat(unset.permits(19456, 64L * 1024 * mib)).as("a big heap: the cores").isEqualTo(cores);
        assertThat(unset.permits(19456, 128 * mib + 19 * mib * 1)).as("room for one hash").isEqualTo(1);
        assertThat(unset.permits(19456, 100 * mib)).as("never none").isEqualTo(1);
        assertThat(unset.permits(7168, 128 * mib + 7 * mib * 64)).isEqualTo(Math.min(cores, 64));
        assertThat(new PasswordProperties.Hashing(3, 64, Duration.ofSeconds(2)).permits(19456, 100 * mib))
                .as("set: as set").isEqualTo(3);
    }
}
