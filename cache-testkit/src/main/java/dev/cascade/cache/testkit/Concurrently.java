package dev.cascade.cache.testkit;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.function.IntFunction;
import java.util.function.Supplier;

/**
 * Starts N threads at one latch and collects what each returned: the harness of the concurrency
 * tests. Every task is released at the same moment, so they contend as hard as the machine allows.
 */
public final class Concurrently {
  private Concurrently() {}

  /**
   * Runs {@code task} on {@code threads} threads released together and returns their results in
   * thread order. A task's exception is returned in its place, not thrown.
   */
  public static List<Object> run(int threads, IntFunction<?> task) {
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      CountDownLatch ready = new CountDownLatch(threads);
      CountDownLatch go = new CountDownLatch(1);
      List<Future<Object>> futures = new ArrayList<>(threads);
      for (int i = 0; i < threads; i++) {
        int index = i;
        futures.add(
            pool.submit(
                () -> {
                  ready.countDown();
                  go.await();
                  try {
                    return task.apply(index);
                  } catch (RuntimeException | Error e) {
                    return e;
                  }
                }));
      }
      await(ready, 60, "threads did not start within 60 s");
      go.countDown();
      List<Object> results = new ArrayList<>(threads);
      for (Future<Object> future : futures) {
        results.add(resultOf(future, 120, "a task did not finish"));
      }
      return results;
    } finally {
      pool.shutdownNow();
    }
  }

  /**
   * Runs {@code load} on another thread, handing it a loader that, once called, waits until {@code
   * meanwhile} has run on this thread and then returns {@code loaded}; returns what {@code load}
   * returned. The harness of tests of what happens to a load that something overtakes.
   *
   * @throws AssertionError if the loader is not called within 30 s, or the load does not end within
   *     10 s after {@code meanwhile}
   */
  public static <T> T whileLoading(Function<Supplier<T>, T> load, T loaded, Runnable meanwhile) {
    CountDownLatch started = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    ExecutorService loader = Executors.newSingleThreadExecutor();
    try {
      Future<T> result =
          loader.submit(
              () ->
                  load.apply(
                      () -> {
                        started.countDown();
                        await(release);
                        return loaded;
                      }));
      await(started);
      meanwhile.run();
      release.countDown();
      return resultOf(result, 10, "the load did not end");
    } finally {
      loader.shutdownNow();
    }
  }

  /**
   * Waits until {@code latch} is released, for at most 30 s: what a test's loaders and tasks wait
   * on while the test arranges what happens around them.
   *
   * @throws AssertionError if it is not released in time, or the wait is interrupted (the
   *     interrupt is restored)
   */
  public static void await(CountDownLatch latch) {
    await(latch, 30, "latch not released within 30 s");
  }

  private static void await(CountDownLatch latch, long seconds, String notInTime) {
    try {
      if (!latch.await(seconds, TimeUnit.SECONDS)) {
        throw new AssertionError(notInTime);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted", e);
    }
  }

  /** The result of {@code future}, waited for at most {@code seconds}; an AssertionError otherwise. */
  private static <T> T resultOf(Future<T> future, long seconds, String notInTime) {
    try {
      return future.get(seconds, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted", e);
    } catch (ExecutionException | java.util.concurrent.TimeoutException e) {
      throw new AssertionError(notInTime, e);
    }
  }
}
