package dev.cascade.cache.testkit;

import dev.cascade.cache.Cache;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

/**
 * A {@code cache.get(key, loader)} on a thread of its own whose loader, once called, waits until
 * {@link #release()}: for tests of what callers that come while a load runs get. Thread-safe.
 */
public final class HeldLoad implements AutoCloseable {
  private final CountDownLatch started = new CountDownLatch(1);
  private final CountDownLatch release = new CountDownLatch(1);
  private final ExecutorService thread = Executors.newSingleThreadExecutor();
  private final Future<String> result;
  private volatile boolean loaderReturned;

  private HeldLoad(Cache<String, String> cache, String key, String value) {
    result =
        thread.submit(
            () ->
                cache.get(
                    key,
                    k -> {
                      started.countDown();
                      Concurrently.await(release);
                      loaderReturned = true;
                      return value;
                    }));
  }

  /** Starts the load of {@code key} whose loader returns {@code value}, and waits until its loader runs. */
  public static HeldLoad start(Cache<String, String> cache, String key, String value) {
    HeldLoad load = new HeldLoad(cache, key, value);
    Concurrently.await(load.started);
    return load;
  }

  /** Lets the loader return. */
  public void release() {
    release.countDown();
  }

  /** Whether the loader has returned. */
  public boolean loaderReturned() {
    return loaderReturned;
  }

  /** Releases the load, then returns what its {@code get} returned (up to 60 s). */
  public String result() throws Exception {
    release();
    return result.get(60, TimeUnit.SECONDS);
  }

  /** Releases the load and stops its thread. */
  @Override
  public void close() {
    release();
    thread.shutdownNow();
  }
}
