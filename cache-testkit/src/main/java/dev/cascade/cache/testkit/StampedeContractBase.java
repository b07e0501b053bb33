package dev.cascade.cache.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cascade.cache.Cache;
import dev.cascade.cache.CacheBuilder;
import dev.cascade.cache.Stampede;
import dev.cascade.cache.codec.StringCodec;
import dev.cascade.cache.spi.RemoteStore;
import dev.cascade.cache.spi.StampedeLock;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.function.UnaryOperator;

/**
 * What the parts of the stampede contract share: the hooks a backend supplies (instances of one
 * cache sharing a remote tier and a lock, the lock itself, the remote key of an entry, a way to let
 * a lease lapse) and the loads the tests hold open while another instance acts. Extend {@link
 * StampedeContract}, which runs every part of the contract; this class holds no tests.
 */
public abstract class StampedeContractBase {
  private final String run = UUID.randomUUID().toString().substring(0, 8);

  /**
   * Returns a new instance of cache {@code name} whose distributed lease lasts {@code leaseTime},
   * reaching the shared remote store through {@code wrap} applied to it (the identity, or a {@link
   * FlakyRemoteStore} for a test that holds this instance's reads back).
   */
  protected abstract Cache<String, String> newInstance(String name, Duration leaseTime, UnaryOperator<RemoteStore> wrap);

  /** Returns a new instance of cache {@code name} whose distributed lease lasts {@code leaseTime}. */
  protected final Cache<String, String> newInstance(String name, Duration leaseTime) {
    return newInstance(name, leaseTime, UnaryOperator.identity());
  }

  /**
   * Returns a builder of instance {@code name} as the backends of this contract build it: an
   * in-process tier of 1000 entries over {@code store}, string values, and a distributed lease on
   * {@code lock} lasting {@code leaseTime}, waited for up to 60 s and polled every 10 ms.
   */
  protected static CacheBuilder<String, String> instanceBuilder(
      String name, RemoteStore store, StampedeLock lock, Duration leaseTime) {
    return Cache.<String, String>builder(name)
        .inMemory(m -> m.maximumSize(1_000))
        .tier(store)
        .valueCodec(StringCodec.create())
        .stampede(
            Stampede.distributed(lock)
                .leaseTime(leaseTime)
                .maxWait(Duration.ofSeconds(60))
                .pollInterval(Duration.ofMillis(10)));
  }

  /** Returns the lock the instances share. */
  protected abstract StampedeLock lock();

  /** Returns the remote key of entry {@code key} of cache {@code name}. */
  protected String remoteKey(String name, String key) {
    return "cascade:" + name + ":" + key;
  }

  /** Returns once the lease on {@code remoteKey}, taken for {@code leaseTime}, has lapsed. */
  protected abstract void awaitLeaseLapsed(String remoteKey, Duration leaseTime);

  /** Returns a cache name unique to this run. */
  protected final String name(String base) {
    return base + "-" + run;
  }

  /** {@code builder} with a TTL of one minute, and entries kept one minute past it for stale-if-error. */
  protected static CacheBuilder<String, String> staleServing(CacheBuilder<String, String> builder) {
    return builder.ttl(Duration.ofMinutes(1)).staleIfError(Duration.ofMinutes(1));
  }


  /**
   * Starts {@code loader.get("k", …)} on another thread with a loader that returns {@code
   * "read-before-update"} only after {@code meanwhile} ran (while the load holds the key's lease).
   */
  protected static CompletableFuture<String> loadHeldUntilReleased(Cache<String, String> loader, Runnable meanwhile)
      throws InterruptedException {
    return heldUntilReleased(
        hold ->
            loader.get(
                "k",
                key -> {
                  hold.run();
                  return "read-before-update";
                }),
        meanwhile);
  }

  /**
   * Starts {@code call} on another thread, given a step its loader runs first; that step returns
   * only after {@code meanwhile} ran on this thread, which waits for the loader to reach it.
   */
  protected static <T> CompletableFuture<T> heldUntilReleased(Function<Runnable, T> call, Runnable meanwhile)
      throws InterruptedException {
    CountDownLatch loading = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    CompletableFuture<T> started =
        CompletableFuture.supplyAsync(
            () ->
                call.apply(
                    () -> {
                      loading.countDown();
                      Concurrently.await(release);
                    }));
    try {
      assertThat(loading.await(30, TimeUnit.SECONDS)).isTrue();
      meanwhile.run(); // the row changed: the load in flight read old data
    } finally {
      release.countDown();
    }
    return started;
  }
}
