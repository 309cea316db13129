package dev.gatehouse.notify;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The sender threads of one channel on this node: up to {@code senders} at once, each sending one message after the
 * other until none is due. A lane of its own per channel, so an SMTP server that hangs until its timeouts holds only
 * the email lane's threads and a text message leaves at once, and the reverse.
 *
 * <p>{@link #wake} starts a sender unless all are running; a sender that claimed a message starts one more before it
 * delivers it (so a backlog spreads over all of them), and one that found nothing stops. A wake-up that comes while the last senders are
 * stopping is not lost: each stopping sender looks whether a wake-up came since its last look and, if so, wakes the
 * lane again. The threads are made on the first wake-up, so a relay built only to be polled (in tests) has none.
 */
final class OutboxLane {

    private static final Logger log = LoggerFactory.getLogger(OutboxLane.class);

    private final Channel channel;
    private final int senders;
    private final Sender sendNext;
    private final AtomicInteger running = new AtomicInteger();
    private final AtomicBoolean woken = new AtomicBoolean();
    private volatile ExecutorService threads;
    private volatile boolean stopped;

    /** Claims and sends one due message of a channel. */
    interface Sender {
        /** False when none was due; runs {@code claimed} once it holds a message, before it delivers it. */
        boolean sendNext(Channel channel, Runnable claimed);
    }

    OutboxLane(Channel channel, int senders, Sender sendNext) {
        this.channel = channel;
        this.senders = senders;
        this.sendNext = sendNext;
    }

    /** Makes sure a sender will look for due messages soon. Never blocks, never throws. */
    void wake() {
        woken.set(true);
        startOne();
    }

    private void startOne() {
        while (!stopped) {
            int now = running.get();
            if (now >= senders) {
                return; // a running sender looks again before it stops
            }
            if (running.compareAndSet(now, now + 1)) {
                try {
                    threads().execute(this::send);
                } catch (RejectedExecutionException shuttingDown) {
                    running.decrementAndGet();
                }
                return;
            }
        }
    }

    private void send() {
        try {
            while (!stopped) {
                woken.set(false);
                boolean sent;
                try {
                    // Another sender starts as soon as this one holds a message: the rest may be due too.
                    sent = sendNext.sendNext(channel, this::startOne);
                } catch (RuntimeException e) {
                    // The scheduled wake-up tries again; the row is still there (or its claim runs out).
                    log.warn("Outbox {} sender failed: {}", channel, e.getClass().getName());
                    sent = false;
                }
                if (!sent) {
                    break;
                }
            }
        } finally {
            running.decrementAndGet();
        }
        if (woken.get()) {
            startOne();
        }
    }

    private ExecutorService threads() {
        ExecutorService made = threads;
        if (made == null) {
            synchronized (this) {
                made = threads;
                if (made == null) {
                    AtomicInteger number = new AtomicInteger();
                    String name = "outbox-" + channel.name().toLowerCase(java.util.Locale.ROOT) + "-";
                    made = Executors.newFixedThreadPool(senders, r -> {
                        Thread t = new Thread(r, name + number.incrementAndGet());
                        t.setDaemon(true);
                        return t;
                    });
                    threads = made;
                }
            }
        }
        return made;
    }

    /** Senders running now. */
    int running() {
        return running.get();
    }

    void stop() {
        stopped = true;
        ExecutorService made = threads;
        if (made != null) {
            made.shutdownNow();
        }
    }
}
