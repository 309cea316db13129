package dev.gatehouse.testsupport;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.IntFunction;

/** Runs tasks on as many threads, all released at the same moment, and returns their results in task order. */
public final class Race {

    private Race() {
    }

    public static <T> List<T> run(int tasks, IntFunction<T> task) {
        ExecutorService pool = Executors.newFixedThreadPool(tasks);
        CountDownLatch ready = new CountDownLatch(tasks);
        CountDownLatch go = new CountDownLatch(1);
        try {
            List<Future<T>> futures = new ArrayList<>();
            for (int i = 0; i < tasks; i++) {
                int n = i;
                Callable<T> call = () -> {
                    ready.countDown();
                    go.await();
                    return task.apply(n);
                };
                futures.add(pool.submit(call));
            }
            ready.await(30, TimeUnit.SECONDS);
            go.countDown();
            List<T> results = new ArrayList<>();
            for (Future<T> f : futures) {
                results.add(f.get(60, TimeUnit.SECONDS));
            }
            return results;
        } catch (Exception e) {
            throw new AssertionError("a racing task failed", e);
        } finally {
            pool.shutdownNow();
        }
    }

    /**
     * A change that holds its locks while another request comes in: in one transaction, {@code lock} takes the rows
     * the real change locks first, then {@code other} starts on another thread, and 300 ms later {@code change} writes
     * and commits. So every run has the other request arrive while the change is under way (it must wait for the
     * locks, or it misses the change: the race being tested). Returns what {@code other} answered.
     */
    public static <T> T whileHeld(org.springframework.transaction.support.TransactionTemplate tx, Runnable lock,
                                  Runnable change, Callable<T> other) {
        ExecutorService pool = Executors.newSingleThreadExecutor();
        try {
            CountDownLatch locked = new CountDownLatch(1);
            Future<T> answer = pool.submit(() -> {
                locked.await();
                return other.call();
            });
            tx.executeWithoutResult(status -> {
                lock.run();
                locked.countDown();
                try {
                    Thread.sleep(300);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException(e);
                }
                change.run();
            });
            return answer.get(20, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new AssertionError("the request made while the change held its locks failed", e);
        } finally {
            pool.shutdownNow();
        }
    }
}
