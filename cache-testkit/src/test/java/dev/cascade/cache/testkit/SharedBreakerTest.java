package dev.cascade.cache.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cascade.cache.Cache;
import dev.cascade.cache.CircuitState;
import dev.cascade.cache.codec.StringCodec;
import dev.cascade.cache.memory.InMemoryRemoteStore;
import dev.cascade.cache.spi.RemoteStore;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Caches on one failure domain share one circuit breaker: a dead store costs one threshold of calls. */
class SharedBreakerTest {
  private static final int CACHES = 20;
  private final FakeTicker ticker = new FakeTicker();
  private final List<Cache<String, String>> caches = new ArrayList<>();

  private List<Cache<String, String>> caches(RemoteStore store, String name) {
    List<Cache<String, String>> built = new ArrayList<>();
    for (int i = 0; i < CACHES; i++) {
      built.add(
          Cache.<String, String>builder(name + i)
              .inMemory(m -> m.maximumSize(100))
              .tier(store)
              .valueCodec(StringCodec.create())
              .ticker(ticker)
              .circuitBreaker(3, Duration.ofSeconds(5))
              .build());
    }
    caches.addAll(built);
    return built;
  }

  @AfterEach
  void close() {
    caches.forEach(Cache::close);
  }

  @Test
  void deadStore_twentyCaches_onlyTheThresholdOfCallsReachesIt_andRecoveryFlushesEveryL1() {
    FlakyRemoteStore store = new FlakyRemoteStore(InMemoryRemoteStore.create(ticker));
    List<Cache<String, String>> twenty = caches(store, "shared");
    twenty.forEach(cache -> cache.put("warm", "w"));
    store.down(true);
    long before = store.calls();

    for (Cache<String, String> cache : twenty) {
      assertThat(cache.get("missing", key -> "loaded")).isEqualTo("loaded"); // fails open
    }

    assertThat(store.calls() - before).as("calls that reached the dead store").isEqualTo(3);
    twenty.forEach(cache -> assertThat(cache.inspect().circuitState(1)).isEqualTo(CircuitState.OPEN));
    assertThat(twenty.get(0).inspect().circuitOpenings(1)).isEqualTo(1);

    store.down(false);
    ticker.advance(Duration.ofSeconds(6));
    assertThat(twenty.get(7).get("probe", key -> "p")).isEqualTo("p"); // the probe closes it for all

    for (Cache<String, String> cache : twenty) {
      assertThat(cache.inspect().circuitState(1)).isEqualTo(CircuitState.CLOSED);
      assertThat(cache.stats().localFlushCount()).as(cache.name()).isEqualTo(1);
    }
  }

  @Test
  void twoStores_eachHasItsOwnBreaker() {
    FlakyRemoteStore dead = new FlakyRemoteStore(InMemoryRemoteStore.create(ticker));
    FlakyRemoteStore alive = new FlakyRemoteStore(InMemoryRemoteStore.create(ticker));
    List<Cache<String, String>> onDead = caches(dead, "dead");
    List<Cache<String, String>> onAlive = caches(alive, "alive");
    dead.down(true);

    onDead.forEach(cache -> cache.get("k", key -> "v"));
    onAlive.forEach(cache -> cache.put("k", "v"));

    assertThat(onDead.get(0).inspect().circuitState(1)).isEqualTo(CircuitState.OPEN);
    assertThat(onAlive.get(0).inspect().circuitState(1)).isEqualTo(CircuitState.CLOSED);
    assertThat(alive.calls()).isGreaterThanOrEqualTo(CACHES);
  }

  @Test
  void closedCache_leavesTheSharedBreaker_andIsNotFlushedOnRecovery() {
    FlakyRemoteStore store = new FlakyRemoteStore(InMemoryRemoteStore.create(ticker));
    List<Cache<String, String>> two = caches(store, "leaving").subList(0, 2);
    store.down(true);
    for (int i = 0; i < 3; i++) {
      two.get(0).get("miss" + i, key -> "x");
    }
    two.get(1).close();
    long flushesOfClosed = two.get(1).stats().localFlushCount();

    store.down(false);
    ticker.advance(Duration.ofSeconds(6));
    two.get(0).get("probe", key -> "p");

    assertThat(two.get(0).stats().localFlushCount()).isEqualTo(1);
    assertThat(two.get(1).stats().localFlushCount()).isEqualTo(flushesOfClosed);
  }
}
