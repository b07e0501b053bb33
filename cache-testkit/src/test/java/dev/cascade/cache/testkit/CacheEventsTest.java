package dev.cascade.cache.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.cascade.cache.Cache;
import dev.cascade.cache.CacheEventListener;
import dev.cascade.cache.CircuitState;
import dev.cascade.cache.InvalidationScope;
import dev.cascade.cache.TierOperation;
import dev.cascade.cache.codec.StringCodec;
import dev.cascade.cache.memory.InMemoryRemoteStore;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;

/** What a cache tells its event listeners, tier by tier, and that a failing listener breaks nothing. */
class CacheEventsTest {
  private final FakeTicker ticker = new FakeTicker();
  private final FlakyRemoteStore store = new FlakyRemoteStore(InMemoryRemoteStore.create(ticker));
  private final List<String> events = new CopyOnWriteArrayList<>();

  private final CacheEventListener recorder =
      new CacheEventListener() {
        @Override
        public void tierLookups(int tier, int hits, int misses) {
          events.add("lookups " + tier + " " + hits + "/" + misses);
        }

        @Override
        public void tierStored(int tier, int entries) {
          events.add("stored " + tier + " " + entries);
        }

        @Override
        public void tierInvalidated(int tier, InvalidationScope scope, int count) {
          events.add("invalidated " + tier + " " + scope + " " + count);
        }

        @Override
        public void tierOperation(int tier, TierOperation operation, long nanos, @Nullable Throwable failure) {
          events.add("op " + tier + " " + operation + (failure == null ? "" : " failed"));
        }

        @Override
        public void circuitChanged(int tier, CircuitState state) {
          events.add("circuit " + tier + " " + state);
        }

        @Override
        public void localFlushed() {
          events.add("flushed");
        }

        @Override
        public void loaded(boolean success, long nanos) {
          events.add("loaded " + success);
        }
      };

  private Cache<String, String> layered(CacheEventListener.Factory... listeners) {
    var builder =
        Cache.<String, String>builder("events")
            .inMemory(m -> m.maximumSize(100))
            .tier(store)
            .valueCodec(StringCodec.create())
            .ticker(ticker)
            .circuitBreaker(1, Duration.ofSeconds(5));
    for (CacheEventListener.Factory listener : listeners) {
      builder.eventListener(listener);
    }
    return builder.build();
  }

  @Test
  void miss_thenHit_reportsRemoteLookupLoadAndStoresInEveryTier_butNotTheInProcessLookup() {
    Cache<String, String> cache = layered(inspector -> recorder);

    cache.get("k", key -> "v");
    cache.get("k", key -> "unused"); // an in-process hit: no event

    assertThat(events)
        .containsExactly(
            "op 1 GET", "lookups 1 0/1", "loaded true", "op 1 PUT", "stored 1 1", "stored 0 1");
    assertThat(cache.inspect().localLookups().hits()).isEqualTo(1);
  }

  @Test
  void invalidations_reportEveryTierWithTheirScope() {
    Cache<String, String> cache = layered(inspector -> recorder);

    cache.invalidate("k");
    cache.invalidateTag("t");
    cache.invalidateAll();

    assertThat(events)
        .containsExactly(
            "op 1 INVALIDATE", "invalidated 1 KEY 1", "invalidated 0 KEY 1",
            "op 1 INVALIDATE_TAG", "invalidated 1 TAG 1", "invalidated 0 TAG 1",
            "op 1 INVALIDATE_ALL", "invalidated 1 ALL 1", "invalidated 0 ALL 1");
  }

  @Test
  void outage_reportsFailuresAndEveryCircuitChange_thenTheFlushOnRecovery() {
    Cache<String, String> cache = layered(inspector -> recorder);
    store.down(true);
    cache.get("a", key -> "x"); // fails the read: the breaker (threshold 1) opens
    store.down(false);
    ticker.advance(Duration.ofSeconds(6));
    events.clear();

    cache.get("b", key -> "y"); // the probe succeeds

    assertThat(events).startsWith("circuit 1 HALF_OPEN", "circuit 1 CLOSED", "invalidated 0 ALL 1", "flushed");
    assertThat(cache.inspect().circuitOpenings(1)).isEqualTo(1);
    assertThat(cache.inspect().circuitState(1)).isEqualTo(CircuitState.CLOSED);
  }

  @Test
  void failedRemoteOperation_isReportedWithItsFailure() {
    Cache<String, String> cache = layered(inspector -> recorder);
    store.down(true);

    catchThrowable(() -> cache.put("k", "v"));

    assertThat(events).contains("op 1 PUT failed", "circuit 1 OPEN");
  }

  @Test
  void listenerThatThrows_breaksNothing_andOtherListenersStillHearEveryEvent() {
    Cache<String, String> cache =
        layered(
            inspector ->
                new CacheEventListener() {
                  @Override
                  public void tierStored(int tier, int entries) {
                    throw new IllegalStateException("listener bug");
                  }
                },
            inspector -> recorder);

    assertThat(cache.get("k", key -> "v")).isEqualTo("v");
    assertThat(events).contains("stored 1 1", "stored 0 1");
  }

  /**
   * A remote-only cache's blocking reads wait for the store on the caller's thread instead of taking
   * the asynchronous path: what they report (and count) must be what the asynchronous view's
   * reads report for the same calls, hits, misses and a failed read alike.
   */
  @Test
  void remoteOnly_blockingReads_reportAndCountWhatTheAsyncReadsDo() {
    Cache<String, String> cache =
        Cache.<String, String>builder("events-remote")
            .tier(store)
            .valueCodec(StringCodec.create())
            .ticker(ticker)
            .eventListener(inspector -> recorder)
            .build();
    cache.put("a", "1");
    cache.put("b", "2");
    events.clear();

    cache.getIfPresent("a");
    cache.getIfPresent("missing");
    cache.getAll(List.of("a", "b", "missing"));
    store.down(true);
    String duringOutage = cache.getIfPresent("a");
    store.down(false);
    List<String> blocking = List.copyOf(events);
    var blockingStats = cache.stats();
    events.clear();

    cache.async().getIfPresent("a").join();
    cache.async().getIfPresent("missing").join();
    cache.async().getAll(List.of("a", "b", "missing")).join();
    store.down(true);
    cache.async().getIfPresent("a").join();
    store.down(false);
    var bothStats = cache.stats();

    assertThat(blocking)
        .containsExactly(
            "op 0 GET", "lookups 0 1/0",
            "op 0 GET", "lookups 0 0/1",
            "op 0 GET_ALL", "lookups 0 2/1",
            "op 0 GET failed");
    assertThat(events).isEqualTo(blocking);
    assertThat(duringOutage).isNull();
    assertThat(blockingStats.hitCount()).isEqualTo(3);
    assertThat(blockingStats.missCount()).isEqualTo(3);
    assertThat(bothStats.hitCount()).isEqualTo(6);
    assertThat(bothStats.missCount()).isEqualTo(6);
    assertThat(blockingStats.tierErrorCount()).isEqualTo(1);
    assertThat(bothStats.tierErrorCount()).isEqualTo(2);
  }

  @Test
  void close_isReportedOnceAfterTheCacheStoppedServing_evenWhenClosedByManyThreadsAtOnce() {
    List<String> closes = new CopyOnWriteArrayList<>();
    Cache<String, String> cache =
        layered(
            inspector ->
                new CacheEventListener() {
                  @Override
                  public void closed() {
                    closes.add("closed, cache closed: " + inspector.isClosed());
                  }
                });
    cache.get("k", key -> "v");
    assertThat(closes).isEmpty();

    Concurrently.run(8, thread -> {
      cache.close();
      return null;
    });
    cache.close();

    assertThat(closes).containsExactly("closed, cache closed: true");
    assertThat(catchThrowable(() -> cache.getIfPresent("k"))).isInstanceOf(IllegalStateException.class);
  }

  @Test
  void close_listenerThatThrowsOnClose_closesTheCacheAndOtherListenersHearIt() {
    Cache<String, String> cache =
        layered(
            inspector ->
                new CacheEventListener() {
                  @Override
                  public void closed() {
                    throw new IllegalStateException("listener bug");
                  }
                },
            inspector ->
                new CacheEventListener() {
                  @Override
                  public void closed() {
                    events.add("closed");
                  }
                });

    cache.close();

    assertThat(events).containsExactly("closed");
    assertThat(cache.inspect().isClosed()).isTrue();
  }

  @Test
  void factory_isGivenTheCachesInspector() {
    List<String> seen = new CopyOnWriteArrayList<>();
    layered(
        inspector -> {
          seen.add(inspector.cacheName() + " " + inspector.tierNames());
          return new CacheEventListener() {};
        });

    assertThat(seen).containsExactly("events [l1, l2]");
  }
}
