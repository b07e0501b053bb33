package dev.cascade.cache.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.cascade.cache.Cache;
import dev.cascade.cache.CacheException;
import dev.cascade.cache.codec.StringCodec;
import dev.cascade.cache.memory.InMemoryRemoteStore;
import dev.cascade.cache.spi.RemoteStore;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** Reads fail open, the breaker keeps calls away from a dead store, and recovery flushes L1. */
class CircuitBreakerTest {
  private final FakeTicker ticker = new FakeTicker();
  private final InMemoryRemoteStore backing = InMemoryRemoteStore.create(ticker);
  private final FlakyRemoteStore store = new FlakyRemoteStore(backing);
  private final Cache<String, String> cache = layeredOver("breaker", store);

  @Test
  void deadStore_readsFallBackToLoader_andBreakerStopsCallingIt() {
    store.down(true);
    AtomicInteger loads = new AtomicInteger();

    for (int i = 0; i < 10; i++) {
      assertThat(cache.get("k" + i, key -> "loaded-" + loads.incrementAndGet())).startsWith("loaded-");
    }

    assertThat(loads).hasValue(10);
    assertThat(store.calls()).isEqualTo(3); // three failed reads opened the breaker; then no call
    assertThat(cache.stats().tierErrorCount()).isEqualTo(10);
  }

  @Test
  void writesToADeadStore_areReported_andDropTheLocalCopy() {
    cache.put("k", "old");
    store.down(true);

    assertThatThrownBy(() -> cache.put("k", "new"))
        .isInstanceOf(CacheException.class)
        .hasMessageContaining("put of key k failed on tier 'l2'");
    assertThat(cache.getIfPresent("k")).isNull(); // neither the new nor the stale old value
  }

  @Test
  void storeComesBack_probeClosesBreaker_andLocalTierIsFlushed() {
    cache.put("k", "v1");
    store.down(true);
    for (int i = 0; i < 3; i++) {
      cache.get("miss" + i, key -> "x");
    }
    // While L2 is unreachable another instance changes k there.
    backing.clear();

    store.down(false);
    ticker.advance(Duration.ofSeconds(6));
    assertThat(cache.get("probe", key -> "p")).isEqualTo("p"); // the probe succeeds

    assertThat(cache.getIfPresent("k")).isNull(); // the L1 copy that may have missed an invalidation is gone
  }

  @Test
  void probeEndingInABadArgumentError_doesNotLeaveTheBreakerHalfOpen() {
    // A store that rejects one key as a bad argument: an error the breaker does not count, since it
    // says nothing about the store's health.
    FlakyRemoteStore flaky = new FlakyRemoteStore(rejectingReadsOf("cascade:rejecting:bad", backing));
    Cache<String, String> rejecting = layeredOver("rejecting", flaky);
    flaky.down(true);
    for (int i = 0; i < 3; i++) {
      rejecting.get("miss" + i, key -> "x"); // opens the breaker
    }
    flaky.down(false);
    ticker.advance(Duration.ofSeconds(6));
    long before = flaky.calls();
    catchThrowable(() -> rejecting.get("bad", key -> "b")); // the probe, failed with a bad argument
    assertThat(flaky.calls()).as("the probe reached the store").isGreaterThan(before);

    // No time passes: the probe is handed on at once, because the adapter reports the bad argument
    // as neither a success nor a failure (the breaker's own backstop, a new probe after an open
    // duration, is tested in core's CircuitBreakerTest).
    long afterProbe = flaky.calls();
    assertThat(rejecting.get("good", key -> "g")).isEqualTo("g");

    assertThat(flaky.calls()).as("a later call reached the store again").isGreaterThan(afterProbe);
  }

  /** Returns a layered cache over {@code remote} whose breaker opens after 3 failures, for 5 s. */
  @Test
  void deadStore_writesOfACacheWithADistributedLock_stillOpenTheBreaker() {
    // Each write first revokes the key's lease through the lock, which needs no call to the store
    // (on Redis it is a no-op): counted as a success, it reset the failure count every time.
    Cache<String, String> leased =
        Cache.<String, String>builder("breaker-leased")
            .inMemory(m -> m.maximumSize(100))
            .tier(store)
            .valueCodec(StringCodec.create())
            .ticker(ticker)
            .stampede(dev.cascade.cache.Stampede.distributed(dev.cascade.cache.memory.InMemoryStampedeLock.create(backing, ticker)))
            .circuitBreaker(3, Duration.ofSeconds(5))
            .build();
    store.down(true);

    for (int i = 0; i < 3; i++) {
      String key = "k" + i;
      assertThatThrownBy(() -> leased.put(key, "v")).isInstanceOf(CacheException.class);
    }

    assertThat(leased.inspect().circuitState(1)).isEqualTo(dev.cascade.cache.CircuitState.OPEN);
    long calls = store.calls();
    assertThatThrownBy(() -> leased.put("k9", "v")).isInstanceOf(CacheException.class);
    assertThat(store.calls()).as("no call reaches the store while open").isEqualTo(calls);

    // A cache that only writes recovers too: once a probe is due, the write is the probe.
    store.down(false);
    ticker.advance(Duration.ofSeconds(5));
    leased.put("k10", "v");
    assertThat(leased.inspect().circuitState(1)).isEqualTo(dev.cascade.cache.CircuitState.CLOSED);
    assertThat(backing.getNow("cascade:breaker-leased:k10")).isNotNull();
  }

  private Cache<String, String> layeredOver(String name, RemoteStore remote) {
    return Cache.<String, String>builder(name)
        .inMemory(m -> m.maximumSize(100))
        .tier(remote)
        .valueCodec(StringCodec.create())
        .ticker(ticker)
        .circuitBreaker(3, Duration.ofSeconds(5))
        .build();
  }

  /** Forwards to {@code delegate}, but fails reads of {@code badKey} with an IllegalArgumentException. */
  private static RemoteStore rejectingReadsOf(String badKey, RemoteStore delegate) {
    return (RemoteStore)
        Proxy.newProxyInstance(
            RemoteStore.class.getClassLoader(),
            new Class<?>[] {RemoteStore.class},
            (proxy, method, args) -> {
              if (method.getName().equals("get") && badKey.equals(args[0])) {
                return CompletableFuture.failedFuture(new IllegalArgumentException("store rejects key " + badKey));
              }
              try {
                return method.invoke(delegate, args);
              } catch (InvocationTargetException e) {
                throw e.getCause();
              }
            });
  }
}
