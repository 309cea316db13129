package dev.gatehouse.notify;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;

import org.junit.jupiter.api.Test;

/** The sender threads of one lane, driven by a fake "send the next message" held open by a latch: no sleeps. */
class OutboxLaneTest {

    /** Spins (no sleep) until the condition holds, failing after 30 s so a bug cannot hang the build. */
    private static void until(BooleanSupplier condition) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!condition.getAsBoolean()) {
            assertThat(System.nanoTime()).as("condition not reached in 30 s").isLessThan(deadline);
            Thread.onSpinWait();
        }
    }

    @Test
    void wakeWhenABacklogThenEverySenderWorksAndNeverMore() throws InterruptedException {
        AtomicInteger due = new AtomicInteger(10);
        AtomicInteger sending = new AtomicInteger();
        AtomicInteger most = new AtomicInteger();
        CountDownLatch gatewayHangs = new CountDownLatch(1);
        OutboxLane lane = new OutboxLane(Channel.EMAIL, 3, (channel, claimed) -> {
            if (due.getAndDecrement() <= 0) {
                return false;
            }
            claimed.run();
            most.accumulateAndGet(sending.incrementAndGet(), Math::max);
            try {
                gatewayHangs.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            sending.decrementAndGet();
            return true;
        });
        try {
            lane.wake();
            until(() -> sending.get() == 3);
            lane.wake();
            lane.wake();
            assertThat(lane.running()).isEqualTo(3);

            gatewayHangs.countDown();
            until(() -> lane.running() == 0);
            assertThat(due.get()).as("every message sent").isLessThanOrEqualTo(0);
            assertThat(most).hasValue(3);
        } finally {
            lane.stop();
        }
    }

    @Test
    void wakeWhenNothingDueThenTheSenderStops() {
        AtomicInteger looks = new AtomicInteger();
        OutboxLane lane = new OutboxLane(Channel.SMS, 2, (channel, claimed) -> {
            looks.incrementAndGet();
            return false;
        });
        try {
            lane.wake();
            until(() -> looks.get() >= 1 && lane.running() == 0);
        } finally {
            lane.stop();
        }
    }

    @Test
    void wakeWhenAMessageComesWhileTheSendersStopThenItIsStillSent() {
        // Every look finds nothing the first time and the message the second: a wake-up between the two must not
        // be lost to a sender that is stopping.
        AtomicInteger queued = new AtomicInteger();
        AtomicInteger sent = new AtomicInteger();
        OutboxLane lane = new OutboxLane(Channel.SMS, 1, (channel, claimed) -> {
            if (queued.get() > sent.get()) {
                claimed.run();
                sent.incrementAndGet();
                return true;
            }
            return false;
        });
        try {
            for (int i = 1; i <= 200; i++) {
                queued.incrementAndGet();
                lane.wake();
            }
            until(() -> sent.get() == 200);
        } finally {
            lane.stop();
        }
    }
}
