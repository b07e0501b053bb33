package dev.cascade.cache.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.cascade.cache.Cache;
import dev.cascade.cache.CacheBuilder;
import dev.cascade.cache.CacheStats;
import dev.cascade.cache.codec.StringCodec;
import dev.cascade.cache.memory.InMemoryRemoteStore;
import dev.cascade.cache.testkit.FakeTicker;
import io.micrometer.core.instrument.MockClock;
import io.micrometer.core.instrument.simple.SimpleConfig;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A scripted workload on a layered cache (in-process L1 over the in-memory remote store as L2,
 * metered by the listener and monitored) and the exact count of every meter it moves.
 *
 * <p>The script: 100 gets, of which 90 hit L1 and 10 miss it; of those 10, 3 are callers that join
 * a load already running (coalesced waiters) and 7 lead their own read of L2; L2 has 3 of the 7
 * keys and misses 4, one of them because the stored bytes are garbage (a decode failure); the 4
 * loads that follow succeed twice and fail twice. Every loader call takes 10 ms by the fake ticker.
 */
class ScriptedWorkloadTest {
  private static final Duration LOAD_TIME = Duration.ofMillis(10);

  private final FakeTicker ticker = new FakeTicker();
  private final InMemoryRemoteStore store = InMemoryRemoteStore.create(ticker);
  /** A mock clock: tier timers count calls; their durations are not asserted. */
  private final SimpleMeterRegistry registry = new SimpleMeterRegistry(SimpleConfig.DEFAULT, new MockClock());
  private final Meters meters = new Meters(registry);
  private final ExecutorService threads = Executors.newFixedThreadPool(4);

  @AfterEach
  void stopThreads() throws InterruptedException {
    threads.shutdownNow();
    assertThat(threads.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
  }

  private CacheBuilder<String, String> users() {
    return Cache.<String, String>builder("users")
        .inMemory(m -> m.maximumSize(1_000))
        .tier(store)
        .valueCodec(StringCodec.create())
        .ticker(ticker);
  }

  private Function<String, String> loader() {
    return key -> {
      ticker.advance(LOAD_TIME);
      return "loaded-" + key;
    };
  }

  private Function<String, String> failingLoader() {
    return key -> {
      ticker.advance(LOAD_TIME);
      throw new IllegalStateException("database down for " + key);
    };
  }

  @Test
  void layeredWorkload_countsExactlyPerTierAndPerCache() throws Exception {
    Cache<String, String> cache =
        CacheMetrics.monitor(users().eventListener(CacheMetrics.listener(registry)).build(), registry);
    Cache<String, String> otherInstance = users().build(); // shares L2, not metered

    // ---- setup: 5 entries in both tiers, 3 only in L2 (written by another instance), 1 garbage --
    for (int i = 0; i < 5; i++) {
      cache.put("k" + i, "v" + i);
    }
    otherInstance.put("r0", "remote");
    otherInstance.put("r1", "remote");
    otherInstance.put("r2", "remote");
    store.putNow("cascade:users:bad", "not an envelope".getBytes(StandardCharsets.UTF_8), null);

    // ---- the 100 gets -----------------------------------------------------------------------
    int gets = 0;
    for (String key : List.of("r0", "r1", "r2")) { // 3 L2 hits
      assertThat(cache.get(key, failingLoader())).isEqualTo("remote");
      gets++;
    }
    assertThat(cache.get("bad", loader())).isEqualTo("loaded-bad"); // decode failure, load
    gets++;
    for (String key : List.of("f0", "f1")) { // 2 loader failures
      assertThatThrownBy(() -> cache.get(key, failingLoader())).hasMessageContaining("database down");
      gets++;
    }
    gets += coalescedLoad(cache); // 1 leader and 3 coalesced waiters
    for (int i = 0; i < 90; i++) { // 90 L1 hits
      assertThat(cache.get("k" + (i % 5), failingLoader())).isEqualTo("v" + (i % 5));
      gets++;
    }
    assertThat(gets).isEqualTo(100);

    // ---- the cache as a whole: every lookup once ------------------------------------------------
    CacheStats stats = cache.stats();
    assertThat(stats.requestCount()).isEqualTo(100);
    assertThat(meters.count("cache.gets", "cache", "users", "result", "hit")).isEqualTo(93);
    assertThat(meters.count("cache.gets", "cache", "users", "result", "miss")).isEqualTo(7);
    assertThat(meters.count("cache.load", "cache", "users", "result", "success")).isEqualTo(2);
    assertThat(meters.count("cache.load", "cache", "users", "result", "failure")).isEqualTo(2);
    assertThat(meters.count("cache.coalesced.waits", "cache", "users")).isEqualTo(3);
    assertThat(meters.count("cache.decode.failures", "cache", "users")).isEqualTo(1);
    assertThat(meters.count("cache.tier.errors", "cache", "users")).isZero();
    assertThat(meters.count("cache.lease.waits", "cache", "users")).isZero();
    assertThat(meters.count("cache.null.hits", "cache", "users")).isZero();
    assertThat(meters.count("cache.evictions", "cache", "users")).isZero();
    // 5 puts and 2 published loads reached the farthest tier; fills of L1 are not the cache's puts
    assertThat(meters.count("cache.puts", "cache", "users")).isEqualTo(7);
    assertThat(registry.get("cache.load.duration").tags("cache", "users").timeGauge().value(TimeUnit.MILLISECONDS))
        .isEqualTo(40);
    assertThat(meters.gauge("cache.hit.ratio", "cache", "users")).isEqualTo(0.93);
    assertThat(registry.get("cache.load.saved").tags("cache", "users").timeGauge().value(TimeUnit.MILLISECONDS))
        .isEqualTo(930); // 93 hits x 10 ms mean load
    assertThat(registry.find("cache.size").tags("cache", "users").meter()).isNull(); // unknown: layered

    // ---- L1: 90 hits, 10 misses (the engine's second look after registering a load is a peek,
    // which the cache does not count as a lookup) -----------------------------------------------
    assertThat(meters.count("cache.gets", "cache", "users.l1", "result", "hit")).isEqualTo(90);
    assertThat(meters.count("cache.gets", "cache", "users.l1", "result", "miss")).isEqualTo(10);
    // 5 puts, 3 fills after L2 hits, 2 published loads
    assertThat(meters.count("cache.puts", "cache", "users.l1")).isEqualTo(10);
    assertThat(meters.gauge("cache.size", "cache", "users.l1")).isEqualTo(10);
    assertThat(meters.count("cache.evictions", "cache", "users.l1")).isZero();
    assertThat(registry.find("cache.errors").tags("cache", "users.l1").functionCounters())
        .allSatisfy(counter -> assertThat(counter.count()).isZero());
    assertThat(registry.find("cache.tier.latency").tags("cache", "users.l1").meters()).isEmpty();

    // ---- L2: asked by the 7 leaders only -----------------------------------------------------
    assertThat(meters.count("cache.gets", "cache", "users.l2", "result", "hit")).isEqualTo(3);
    assertThat(meters.count("cache.gets", "cache", "users.l2", "result", "miss")).isEqualTo(4);
    assertThat(meters.count("cache.puts", "cache", "users.l2")).isEqualTo(7);
    assertThat(meters.count("cache.tier.latency", "cache", "users.l2", "operation", "get")).isEqualTo(7);
    assertThat(meters.count("cache.tier.latency", "cache", "users.l2", "operation", "put")).isEqualTo(7);
    assertThat(registry.find("cache.errors").tags("cache", "users.l2").functionCounters())
        .allSatisfy(counter -> assertThat(counter.count()).isZero());

    // ---- summary -------------------------------------------------------------------------------
    CacheSummary summary = CacheMetrics.summary(cache);
    assertThat(summary.hits()).isEqualTo(93);
    assertThat(summary.misses()).isEqualTo(7);
    assertThat(summary.hitRate()).isEqualTo(0.93);
    assertThat(summary.meanLoadTime()).isEqualTo(LOAD_TIME);
    assertThat(summary.loadTimeSaved()).isEqualTo(Duration.ofMillis(930));
  }

  /** Runs one load of key {@code c} joined by 3 waiters; returns the number of gets made (4). */
  private int coalescedLoad(Cache<String, String> cache) throws Exception {
    CountDownLatch loading = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    CompletableFuture<String> leader =
        CompletableFuture.supplyAsync(
            () ->
                cache.get(
                    "c",
                    key -> {
                      loading.countDown();
                      await().atMost(Duration.ofSeconds(10)).until(() -> release.getCount() == 0);
                      ticker.advance(LOAD_TIME);
                      return "loaded-c";
                    }),
            threads);
    assertThat(loading.await(10, TimeUnit.SECONDS)).isTrue();
    List<CompletableFuture<String>> waiters = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      waiters.add(CompletableFuture.supplyAsync(() -> cache.get("c", failingLoader()), threads));
    }
    await().atMost(Duration.ofSeconds(10)).until(() -> cache.stats().coalescedWaitCount() == 3);
    release.countDown();
    assertThat(leader.get(10, TimeUnit.SECONDS)).isEqualTo("loaded-c");
    for (CompletableFuture<String> waiter : waiters) {
      assertThat(waiter.get(10, TimeUnit.SECONDS)).isEqualTo("loaded-c");
    }
    return 1 + waiters.size();
  }

  @Test
  void invalidations_countedPerTierByScope() {
    Cache<String, String> cache = users().eventListener(CacheMetrics.listener(registry)).build();
    cache.put("a", "1", Duration.ofMinutes(1), "t");
    cache.put("b", "2");
    cache.put("c", "3");

    cache.invalidate("a");
    cache.invalidateAll(List.of("b", "c"));
    cache.invalidateTag("t");
    cache.invalidateAll();

    for (String tier : List.of("users.l1", "users.l2")) {
      assertThat(meters.count("cache.invalidations", "cache", tier, "scope", "key")).isEqualTo(3);
      assertThat(meters.count("cache.invalidations", "cache", tier, "scope", "tag")).isEqualTo(1);
      assertThat(meters.count("cache.invalidations", "cache", tier, "scope", "all")).isEqualTo(1);
      assertThat(meters.count("cache.puts", "cache", tier)).isEqualTo(3);
    }
  }

  @Test
  void deadRemoteTier_errorsCountedByOperation_readsFailOpen() {
    Cache<String, String> cache =
        CacheMetrics.monitor(users().eventListener(CacheMetrics.listener(registry)).build(), registry);
    store.close(); // every later call of the store fails, as a dead server's would

    // the read fails open; the load's value goes to L1 only, since the store failed this flight
    assertThat(cache.get("x", loader())).isEqualTo("loaded-x");
    assertThatThrownBy(() -> cache.put("y", "v")).hasMessageContaining("failed on tier 'l2'");

    assertThat(meters.count("cache.errors", "cache", "users.l2", "operation", "get")).isEqualTo(1);
    assertThat(meters.count("cache.errors", "cache", "users.l2", "operation", "put")).isEqualTo(1);
    assertThat(meters.count("cache.gets", "cache", "users.l2", "result", "miss")).isZero();
    assertThat(meters.count("cache.puts", "cache", "users.l2")).isZero();
    assertThat(meters.count("cache.tier.latency", "cache", "users.l2", "operation", "get")).isEqualTo(1);
    // the cache absorbed the failed read; the failed put was thrown to its caller instead
    assertThat(meters.count("cache.tier.errors", "cache", "users")).isEqualTo(1);
    assertThat(meters.count("cache.gets", "cache", "users", "result", "miss")).isEqualTo(1);
    assertThat(meters.count("cache.puts", "cache", "users.l1")).isEqualTo(1);
  }
}
