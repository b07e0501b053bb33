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
      if (!ready.await(60, TimeUnit.SECONDS)) {
        throw new AssertionError("threads did not start within 60 s");
      }
      go.countDown();
      List<Object> results = new ArrayList<>(threads);
      for (Future<Object> future : futures) {
        results.add(future.get(120, TimeUnit.SECONDS));
      }
      return results;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted", e);
    } catch (ExecutionException | java.util.concurrent.TimeoutException e) {
      throw new AssertionError("a task did not finish", e);
    } finally {
      pool.shutdownNow();
    }
  }

  /**
   * Runs {@code load} on another thread, handing it a loader that, once called, waits until {@code
   * meanwhile} has run on this thread and then returns {@code loaded}; returns what {@code load}
   * returned. The harness of tests of what happens to a load that something overtakes.
   *
   * @throws AssertionError if the loader is not called, or the load does not end, within 10 s
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
                        awaitOrFail(release);
                        return loaded;
                      }));
      awaitOrFail(started);
      meanwhile.run();
      release.countDown();
      return result.get(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted", e);
    } catch (ExecutionException | java.util.concurrent.TimeoutException e) {
      throw new AssertionError("the load did not end", e);
    } finally {
      loader.shutdownNow();
    }
  }

  private static void awaitOrFail(CountDownLatch latch) {
    try {
      if (!latch.await(10, TimeUnit.SECONDS)) {
        throw new AssertionError("not reached within 10 s");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted", e);
    }
  }
}
