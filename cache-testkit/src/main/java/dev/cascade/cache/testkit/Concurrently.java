package dev.cascade.cache.testkit;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.IntFunction;

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
}
