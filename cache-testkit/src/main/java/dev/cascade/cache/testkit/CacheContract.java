package dev.cascade.cache.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.cascade.cache.Cache;
import dev.cascade.cache.CacheStats;
import dev.cascade.cache.Cached;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
/**
 * The contract every tier and every combination of tiers keeps, as seen through the {@link Cache}
 * API: hits and misses, TTLs by the injected ticker, jitter bounds, null caching, single-flight,
 * loader failures, bulk loads, tags, namespaces, invalidation and exact statistics.
 *
 * <p>A backend extends this class and supplies {@link #newBuilder}: a builder of a cache of {@code
 * String} to {@code String} on its tiers, with {@link #ticker} installed in the cache (and in any
 * store that keeps time). Caches built for one test share their backend, so two names must never see
 * each other's entries. Override {@link #viaAsync()} to run everything through {@link
 * Cache#async()} instead.
 */
public abstract class CacheContract extends LifecycleContract {

  // ---- reads --------------------------------------------------------------------------------

  @Test
  void get_miss_loadsOnceThenHits() {
    Cache<String, String> cache = cache();
    AtomicInteger calls = new AtomicInteger();

    assertThat(cache.get("a", counting(calls))).isEqualTo("value-of-a");
    assertThat(cache.get("a", counting(calls))).isEqualTo("value-of-a");

    assertThat(calls).hasValue(1);
    assertThat(cache.getIfPresent("a")).isEqualTo("value-of-a");
  }

  @Test
  void getIfPresent_absent_returnsNullAndLookupReportsMiss() {
    Cache<String, String> cache = cache();

    assertThat(cache.getIfPresent("nothing")).isNull();
    assertThat(cache.lookup("nothing")).isNull();
  }

  @Test
  void put_thenRead_returnsLatestValue() {
    Cache<String, String> cache = cache();

    cache.put("k", "one");
    cache.put("k", "two");

    assertThat(cache.getIfPresent("k")).isEqualTo("two");
    assertThat(cache.get("k", key -> "loaded")).isEqualTo("two");
  }

  @Test
  void putAll_thenGetAll_returnsEveryEntry() {
    Cache<String, String> cache = cache();

    cache.putAll(Map.of("a", "1", "b", "2", "c", "3"));

    assertThat(cache.getAll(List.of("a", "b", "c", "d"))).isEqualTo(Map.of("a", "1", "b", "2", "c", "3"));
  }

  // ---- TTL ----------------------------------------------------------------------------------

  @Test
  void ttl_entryExpiresExactlyAfterTtl() {
    Cache<String, String> cache = build(newBuilder(name("ttl")).ttl(Duration.ofSeconds(10)));
    cache.put("k", "v");

    ticker.advance(Duration.ofMillis(9_999));
    assertThat(cache.getIfPresent("k")).isEqualTo("v");

    ticker.advance(Duration.ofMillis(2));
    assertThat(cache.getIfPresent("k")).isNull();
  }

  @Test
  void put_perEntryTtl_overridesDefault() {
    Cache<String, String> cache = build(newBuilder(name("entry-ttl")).ttl(Duration.ofMinutes(10)));
    cache.put("short", "v", Duration.ofSeconds(5));
    cache.put("default", "v");

    ticker.advance(Duration.ofSeconds(6));

    assertThat(cache.getIfPresent("short")).isNull();
    assertThat(cache.getIfPresent("default")).isEqualTo("v");
  }

  @Test
  void put_perEntryTtl_inACacheWithoutDefaultTtl_expires() {
    Cache<String, String> cache = cache();
    cache.put("short", "v", Duration.ofSeconds(5));
    cache.put("forever", "v");

    ticker.advance(Duration.ofMillis(4_999));
    assertThat(cache.getIfPresent("short")).isEqualTo("v");
    ticker.advance(Duration.ofMillis(2));

    assertThat(cache.getIfPresent("short")).isNull();
    assertThat(cache.getIfPresent("forever")).isEqualTo("v");
  }

  @Test
  void get_withTtl_givesLoadedValueThatTtl() {
    Cache<String, String> cache = build(newBuilder(name("load-ttl")).ttl(Duration.ofMinutes(10)));
    cache.get("k", Duration.ofSeconds(3), key -> "v");

    ticker.advance(Duration.ofSeconds(4));

    assertThat(cache.getIfPresent("k")).isNull();
  }

  @Test
  void ttlJitter_spreadsExpiryWithinBounds() {
    Cache<String, String> cache =
        build(newBuilder(name("jitter")).ttl(Duration.ofSeconds(100)).ttlJitter(0.2));
    List<String> keys = new ArrayList<>();
    for (int i = 0; i < 200; i++) {
      keys.add("k" + i);
    }
    keys.forEach(key -> cache.put(key, "v"));

    ticker.advance(Duration.ofMillis(79_999));
    assertThat(cache.getAll(keys)).hasSize(200);

    ticker.advance(Duration.ofMillis(20_001)); // at the nominal TTL: some gone, some not
    int alive = cache.getAll(keys).size();
    assertThat(alive).isBetween(1, 199);

    ticker.advance(Duration.ofMillis(20_001));
    assertThat(cache.getAll(keys)).isEmpty();
  }

  // ---- null caching -------------------------------------------------------------------------

  @Test
  void nullTtl_cachesAbsenceDistinctFromMiss() {
    Cache<String, String> cache = build(newBuilder(name("nulls")).nullTtl(Duration.ofMinutes(1)));
    AtomicInteger calls = new AtomicInteger();
    Function<String, String> absent =
        key -> {
          calls.incrementAndGet();
          return null;
        };

    assertThat(cache.get("gone", absent)).isNull();
    assertThat(cache.get("gone", absent)).isNull();
    assertThat(calls).hasValue(1);
    Cached<String> found = cache.lookup("gone");
    assertThat(found).isNotNull();
    assertThat(found.isNull()).isTrue();
    assertThat(cache.stats().nullHitCount()).isEqualTo(2);

    ticker.advance(Duration.ofSeconds(61));
    assertThat(cache.lookup("gone")).isNull();
    cache.get("gone", absent);
    assertThat(calls).hasValue(2);
  }

  @Test
  void get_loaderReturnsNullWithoutNullCaching_throwsNamingKeyAndCachesNothing() {
    Cache<String, String> cache = cache();

    assertThatThrownBy(() -> cache.get("missing-row", key -> null))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("missing-row")
        .hasMessageContaining("nullTtl");
    assertThat(cache.lookup("missing-row")).isNull();
  }

  // ---- single-flight and failures -----------------------------------------------------------

  @Test
  void get_thousandConcurrentCallers_runOneLoader() {
    Cache<String, String> cache = cache();
    AtomicInteger calls = new AtomicInteger();
    int callers = 1000;

    List<Object> results =
        Concurrently.run(
            callers,
            i ->
                cache.get(
                    "hot",
                    key -> {
                      calls.incrementAndGet();
                      // Hold the load until every other caller is waiting on it.
                      await()
                          .atMost(Duration.ofSeconds(60))
                          .until(() -> cache.stats().coalescedWaitCount() == callers - 1);
                      return "loaded";
                    }));

    assertThat(calls).hasValue(1);
    assertThat(results).hasSize(callers).allMatch("loaded"::equals);
    assertThat(cache.stats().loadSuccessCount()).isEqualTo(1);
  }

  @Test
  void get_failingLoader_failsEveryWaiterAndCachesNothing() {
    Cache<String, String> cache = cache();
    AtomicInteger calls = new AtomicInteger();
    int callers = 10;

    List<Object> results =
        Concurrently.run(
            callers,
            i ->
                cache.get(
                    "bad",
                    key -> {
                      calls.incrementAndGet();
                      await()
                          .atMost(Duration.ofSeconds(60))
                          .until(() -> cache.stats().coalescedWaitCount() == callers - 1);
                      throw new IllegalArgumentException("database says no");
                    }));

    assertThat(calls).hasValue(1);
    assertThat(results)
        .allSatisfy(
            result ->
                assertThat(result)
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasFieldOrPropertyWithValue("message", "database says no"));
    assertThat(cache.lookup("bad")).isNull();
    assertThat(cache.get("bad", key -> "recovered")).isEqualTo("recovered");
    assertThat(cache.stats().loadFailureCount()).isEqualTo(1);
  }

  @Test
  void invalidate_duringLoad_loadedValueIsReturnedButNotCached() {
    Cache<String, String> cache = cache();

    String loaded =
        cache.get(
            "k",
            key -> {
              cache.invalidate(key); // an invalidation that lands while the load runs
              return "stale";
            });

    assertThat(loaded).isEqualTo("stale");
    assertThat(cache.lookup("k")).isNull();
  }

  /**
   * A caller that comes after an invalidation does not take the value of a load that began before
   * it: it gets a value loaded after the invalidation (read your invalidation), and that value is
   * what is cached.
   */
  @Test
  void get_afterAnInvalidationDuringARunningLoad_getsAValueLoadedAfterIt() throws Exception {
    Cache<String, String> cache = cache();
    AtomicBoolean loadsOverlapped = new AtomicBoolean();
    ExecutorService callers = Executors.newSingleThreadExecutor();
    try (HeldLoad before = HeldLoad.start(cache, "k", "loaded-before")) {
      cache.invalidate("k");
      long waitsBefore = cache.stats().coalescedWaitCount();

      Future<String> after =
          callers.submit(
              () ->
                  cache.get(
                      "k",
                      key -> {
                        loadsOverlapped.set(!before.loaderReturned()); // still one load of a key at a time
                        return "loaded-after";
                      }));
      // done, or counted as waiting (for the load that began before the invalidation to end)
      await().atMost(Duration.ofSeconds(60)).until(() -> after.isDone() || cache.stats().coalescedWaitCount() > waitsBefore);

      assertThat(before.result()).isEqualTo("loaded-before"); // its own caller still gets it
      assertThat(after.get()).isEqualTo("loaded-after");
      assertThat(loadsOverlapped).as("the second load ran while the first did").isFalse();
      assertThat(cache.getIfPresent("k")).isEqualTo("loaded-after");
    } finally {
      callers.shutdownNow();
    }
  }

  /**
   * The same for {@code getAll}: a key whose running load began before its invalidation is loaded
   * again once that load ended (never at the same time), alone, while the bulk call's other keys
   * are loaded as usual; the value loaded after the invalidation is what the caller gets and what
   * is cached.
   */
  @Test
  void getAll_afterAnInvalidationDuringARunningLoad_getsAValueLoadedAfterIt() throws Exception {
    Cache<String, String> cache = cache();
    List<Set<String>> bulkCalls = new CopyOnWriteArrayList<>();
    List<Set<String>> bulkCallsDuringTheFirstLoad = new CopyOnWriteArrayList<>();
    ExecutorService callers = Executors.newSingleThreadExecutor();
    try (HeldLoad before = HeldLoad.start(cache, "k", "loaded-before")) {
      cache.invalidate("k");
      long waitsBefore = cache.stats().coalescedWaitCount();

      Future<Map<String, String>> after =
          callers.submit(
              () ->
                  cache.getAll(
                      List.of("k", "j"),
                      missing -> {
                        bulkCalls.add(Set.copyOf(missing));
                        if (!before.loaderReturned()) {
                          bulkCallsDuringTheFirstLoad.add(Set.copyOf(missing));
                        }
                        Map<String, String> loaded = new HashMap<>();
                        missing.forEach(key -> loaded.put(key, key + "-loaded-after"));
                        return loaded;
                      }));
      // done, or counted as waiting (for the load that began before the invalidation to end)
      await().atMost(Duration.ofSeconds(60)).until(() -> after.isDone() || cache.stats().coalescedWaitCount() > waitsBefore);

      assertThat(before.result()).isEqualTo("loaded-before"); // its own caller still gets it
      assertThat(after.get()).isEqualTo(Map.of("k", "k-loaded-after", "j", "j-loaded-after"));
      assertThat(bulkCallsDuringTheFirstLoad).as("bulk loads that ran while the first load did").allSatisfy(
          keys -> assertThat(keys).doesNotContain("k"));
      assertThat(bulkCalls).as("each key loaded once by the bulk call").containsExactlyInAnyOrder(Set.of("j"), Set.of("k"));
      assertThat(cache.getIfPresent("k")).isEqualTo("k-loaded-after");
    } finally {
      callers.shutdownNow();
    }
  }

  /**
   * A key holding an unpaired surrogate is its own key: a client that encodes keys with {@code
   * String.getBytes} sends {@code '?'} for the surrogate, which would make it share the entry of the
   * key with {@code '?'} in its place.
   */
  @Test
  void keyWithAnUnpairedSurrogate_isNotTheKeyWithAQuestionMark() {
    Cache<String, String> cache = cache();
    cache.put("a?", "question mark");

    assertThat(cache.getIfPresent("a\uD800")).isNull();
    cache.put("a\uD800", "surrogate");
    assertThat(cache.getIfPresent("a?")).isEqualTo("question mark");
    assertThat(cache.getIfPresent("a\uD800")).isEqualTo("surrogate");
    assertThat(cache.getAll(List.of("a?", "a\uD800"))).isEqualTo(Map.of("a?", "question mark", "a\uD800", "surrogate"));
  }

  // ---- bulk ---------------------------------------------------------------------------------

  @Test
  void getAll_bulkLoaderCalledOnceWithExactlyTheMissingKeys() {
    Cache<String, String> cache = cache();
    cache.put("a", "A");
    cache.put("b", "B");
    List<Set<String>> requests = new CopyOnWriteArrayList<>();

    Map<String, String> result =
        cache.getAll(
            List.of("a", "b", "c", "d"),
            missing -> {
              requests.add(Set.copyOf(missing));
              Map<String, String> rows = new HashMap<>();
              missing.forEach(key -> rows.put(key, key.toUpperCase()));
              return rows;
            });

    assertThat(requests).containsExactly(Set.of("c", "d"));
    assertThat(result).isEqualTo(Map.of("a", "A", "b", "B", "c", "C", "d", "D"));

    cache.getAll(List.of("a", "c", "d"), missing -> {
      requests.add(Set.copyOf(missing));
      return Map.of();
    });
    assertThat(requests).hasSize(1);
  }

  @Test
  void getAll_keysTheBulkLoaderOmits_areAbsentAndNotCached() {
    Cache<String, String> cache = cache();

    Map<String, String> result = cache.getAll(List.of("x", "y"), missing -> Map.of("x", "X"));

    assertThat(result).isEqualTo(Map.of("x", "X"));
    assertThat(cache.lookup("y")).isNull();
  }

// ---- statistics ---------------------------------------------------------------------------

  @Test
  void stats_scriptedWorkload_countsExactly() {
    Cache<String, String> cache = cache();

    cache.put("a", "A");
    cache.get("a", key -> "unused"); // hit
    cache.getIfPresent("b"); // miss
    cache.get("b", key -> "B"); // miss, load success
    cache.get("b", key -> "unused"); // hit
    assertThatThrownBy(() -> cache.get("c", key -> { // miss, load failure
      throw new IllegalStateException("down");
    })).hasMessage("down");
    cache.lookup("a"); // hit
    cache.getAll(List.of("a", "b", "z")); // hit, hit, miss

    CacheStats stats = cache.stats();
    assertThat(stats.hitCount()).isEqualTo(5);
    assertThat(stats.missCount()).isEqualTo(4);
    assertThat(stats.loadSuccessCount()).isEqualTo(1);
    assertThat(stats.loadFailureCount()).isEqualTo(1);
    assertThat(stats.coalescedWaitCount()).isZero();
    assertThat(stats.decodeFailureCount()).isZero();
    assertThat(stats.hitRate()).isEqualTo(5.0 / 9);
    assertThat(stats.putCount()).isEqualTo(1);
    cache.putAll(Map.of("p", "1", "q", "2"));
    assertThat(cache.stats().putCount()).isEqualTo(3);
  }
}
