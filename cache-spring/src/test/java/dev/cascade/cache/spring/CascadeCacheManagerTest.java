package dev.cascade.cache.spring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cascade.cache.Cache;
import dev.cascade.cache.CacheBuilder;
import dev.cascade.cache.memory.InMemoryInvalidationBus;
import dev.cascade.cache.memory.InMemoryRemoteStore;
import dev.cascade.cache.testkit.Concurrently;
import dev.cascade.cache.testkit.FakeTicker;
import dev.cascade.cache.testkit.ManualExecutor;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
import java.util.random.RandomGenerator;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.springframework.cache.Cache.ValueRetrievalException;
import org.springframework.cache.Cache.ValueWrapper;

/** The manager and the Spring {@code Cache} adapter called directly, on in-process caches. */
class CascadeCacheManagerTest {

  @Test
  void getCache_unknownNameByDefault_createdFromDefaults() {
    try (CascadeCacheManager manager =
        CascadeCacheManager.builder().defaults(spec -> spec.nullTtl(Duration.ofSeconds(5))).build()) {
      CascadeCache cache = manager.getCache("anything");
      assertThat(cache).isNotNull();
      assertThat(cache.cachesNulls()).isTrue();
      assertThat(manager.getCache("anything")).isSameAs(cache);
      assertThat(manager.getCacheNames()).containsExactly("anything");
    }
  }

  @Test
  void getCache_unknownNameRefused_returnsNull() {
    try (CascadeCacheManager manager =
        CascadeCacheManager.builder()
            .cacheNames("known")
            .unknownCaches(CascadeCacheManager.UnknownCaches.REFUSE)
            .build()) {
      assertThat(manager.getCacheNames()).containsExactly("known");
      assertThat(manager.getCache("known")).isNotNull();
      assertThat(manager.getCache("unknown")).isNull();
    }
  }

  @Test
  void close_closesCaches_laterGetCacheThrows() {
    CascadeCacheManager manager = CascadeCacheManager.builder().cacheNames("a").build();
    Cache<Object, Object> a = manager.getCache("a").getNativeCache();
    manager.close();
    manager.close(); // idempotent
    assertThat(a.inspect().isClosed()).isTrue();
    assertThatThrownBy(() -> manager.getCache("b")).isInstanceOf(IllegalStateException.class);
  }

  @Test
  void getCache_existingCacheAfterClose_throws() {
    CascadeCacheManager manager = CascadeCacheManager.builder().cacheNames("a").build();
    manager.getCache("a");
    manager.close();
    assertThatThrownBy(() -> manager.getCache("a"))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("closed");
  }

  @Test
  void builder_optionSetTwice_throws() {
    CascadeCacheManager.Builder builder = CascadeCacheManager.builder().defaults(spec -> {});
    assertThatThrownBy(() -> builder.defaults(spec -> {})).isInstanceOf(IllegalStateException.class);
    assertThatThrownBy(() -> CascadeCacheManager.builder().cache("", spec -> {}))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void customizer_seesEveryCacheBuilderAndCache() {
    List<String> seen = new ArrayList<>();
    try (CascadeCacheManager manager =
        CascadeCacheManager.builder()
            .cacheNames("a")
            .customizer(
                new CascadeCacheCustomizer() {
                  @Override
                  public void customize(String cacheName, CacheBuilder<Object, Object> builder) {
                    seen.add("builder " + cacheName);
                  }

                  @Override
                  public void created(Cache<Object, Object> cache) {
                    seen.add("cache " + cache.name());
                  }
                })
            .build()) {
      manager.getCache("b");
      assertThat(seen).containsExactly("builder a", "cache a", "builder b", "cache b");
    }
  }

  @Test
  void spec_badValues_throwNamingThem() {
    CascadeCacheSpec spec = new CascadeCacheSpec();
    assertThatThrownBy(() -> spec.maximumSize(0)).hasMessageContaining("maximumSize");
    assertThatThrownBy(() -> spec.ttl(Duration.ZERO)).hasMessageContaining("ttl");
    assertThatThrownBy(() -> spec.ttlJitter(1.5)).hasMessageContaining("ttlJitter");
    assertThatThrownBy(() -> spec.tags("")).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void adapter_getPutEvict_followSpringsContract() {
    try (CascadeCacheManager manager =
        CascadeCacheManager.builder().cache("c", spec -> spec.nullTtl(Duration.ofMinutes(1))).build()) {
      CascadeCache cache = manager.getCache("c");
      assertThat(cache.get("k")).isNull();
      cache.put("k", "v");
      assertThat(cache.get("k").get()).isEqualTo("v");
      assertThat(cache.get("k", String.class)).isEqualTo("v");
      assertThatThrownBy(() -> cache.get("k", Integer.class)).isInstanceOf(IllegalStateException.class);

      cache.put("absent", null);
      ValueWrapper absent = cache.get("absent");
      assertThat(absent).isNotNull();
      assertThat(absent.get()).isNull();

      assertThat(cache.putIfAbsent("k", "other").get()).isEqualTo("v");
      assertThat(cache.putIfAbsent("new", "n")).isNull();
      assertThat(cache.get("new").get()).isEqualTo("n");

      long reads = cache.getNativeCache().stats().hitCount() + cache.getNativeCache().stats().missCount();
      assertThat(cache.evictIfPresent("k")).isFalse(); // presence is not looked up: Spring's contract allows false
      assertThat(cache.getNativeCache().stats().hitCount() + cache.getNativeCache().stats().missCount())
          .isEqualTo(reads);
      assertThat(cache.get("k")).isNull();
      assertThat(cache.invalidate()).isTrue();
      assertThat(cache.get("new")).isNull();
    }
  }

  @Test
  void adapter_nullRefusedInACacheNameWithADot_namesTheBracketProperty() {
    try (CascadeCacheManager manager = CascadeCacheManager.builder().build()) {
      CascadeCache cache = manager.getCache("product.details");
      assertThatThrownBy(() -> cache.put("k", null))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("cascade.caches[product.details].null-ttl");
    }
  }

  @Test
  void adapter_loaderThrows_wrappedInValueRetrievalException_notCached() {
    try (CascadeCacheManager manager = CascadeCacheManager.builder().build()) {
      CascadeCache cache = manager.getCache("c");
      assertThatThrownBy(() -> cache.get("k", () -> { throw new java.io.IOException("db down"); }))
          .isInstanceOf(ValueRetrievalException.class)
          .hasRootCauseMessage("db down");
      assertThat(cache.get("k")).isNull();
      assertThat(cache.get("k", () -> "loaded")).isEqualTo("loaded");
    }
  }

  @Test
  void adapter_nullWithoutNullTtl_refusedNamingTheSetting() {
    try (CascadeCacheManager manager = CascadeCacheManager.builder().build()) {
      CascadeCache cache = manager.getCache("strict");
      assertThatThrownBy(() -> cache.put("k", null))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("cascade.caches.strict.null-ttl");
      assertThatThrownBy(() -> cache.get("k", () -> null)).isInstanceOf(IllegalStateException.class);
    }
  }

  @Test
  void adapter_tagKeys_readWriteUnderInnerKey_evictByTag() {
    try (CascadeCacheManager manager = CascadeCacheManager.builder().cache("c", spec -> spec.tags("all")).build()) {
      CascadeCache cache = manager.getCache("c");
      cache.put(CascadeKeys.tagged("a", "t1"), "A");
      cache.put(CascadeKeys.tagged("b", "t2"), "B");
      cache.put("c", "C");
      assertThat(cache.get("a").get()).isEqualTo("A");
      cache.evict(CascadeKeys.tag("t1"));
      assertThat(cache.get("a")).isNull();
      assertThat(cache.get("b").get()).isEqualTo("B");
      manager.invalidateTag("all"); // the cache's own tag, on every entry
      assertThat(cache.get("b")).isNull();
      assertThat(cache.get("c")).isNull();
      assertThatThrownBy(() -> cache.get(CascadeKeys.tag("t1"))).isInstanceOf(IllegalArgumentException.class);
    }
  }

  /**
   * Tags on loaded entries and on cached absences. Until the sixth session of 2026-12-05 the adapter
   * wrote a tagged load a second time with an unconditional put (which stored a value that an
   * eviction during the load had made core discard) and stored absences without tags (so evicting
   * their tag left them): each of these tests failed then. Now a load carries its tags through
   * core's {@code get(key, tags, loader)}.
   */
  @Nested
  class TaggedLoadsAndAbsences {

    @Test
    void syncLoadOfTaggedKey_tagEvictedWhileLoading_notCached() {
      assertEvictionDuringTaggedLoadWins(cache -> cache.evict(CascadeKeys.tag("t")), false);
    }

    @Test
    void syncLoadOfTaggedKey_keyEvictedWhileLoading_notCached() {
      assertEvictionDuringTaggedLoadWins(cache -> cache.evict(1), false);
    }

    @Test
    void syncLoadOfTaggedKey_clearedWhileLoading_notCached() {
      assertEvictionDuringTaggedLoadWins(CascadeCache::clear, false);
    }

    @Test
    void retrieveOfTaggedKey_tagEvictedWhileLoading_notCached() {
      assertEvictionDuringTaggedLoadWins(cache -> cache.evict(CascadeKeys.tag("t")), true);
    }

    private void assertEvictionDuringTaggedLoadWins(Consumer<CascadeCache> eviction, boolean async) {
      try (CascadeCacheManager manager = CascadeCacheManager.builder().cacheNames("c").build()) {
        CascadeCache cache = manager.getCache("c");
        Object key = CascadeKeys.tagged(1, "t");
        String loaded =
            Concurrently.whileLoading(
                loader ->
                    async
                        ? cache.<String>retrieve(key, () -> CompletableFuture.completedFuture(loader.get())).join()
                        : cache.get(key, loader::get),
                "old",
                () -> eviction.accept(cache));
        assertThat(loaded).isEqualTo("old");
        assertThat(cache.get(1)).as("the value loaded before the eviction").isNull();
      }
    }

    @Test
    void nullUnderTaggedKey_tagEvicted_gone() {
      try (CascadeCacheManager manager =
          CascadeCacheManager.builder().cache("c", spec -> spec.nullTtl(Duration.ofMinutes(1))).build()) {
        CascadeCache cache = manager.getCache("c");
        cache.put(CascadeKeys.tagged("a", "t"), null);
        assertThat(cache.<String>get(CascadeKeys.tagged("b", "t"), () -> null)).isNull();
        cache.evict(CascadeKeys.tag("t"));
        assertThat(cache.get("a")).isNull();
        assertThat(cache.get("b")).isNull();
      }
    }

    @Test
    void nullInCacheWithTags_cacheTagInvalidated_gone() {
      try (CascadeCacheManager manager =
          CascadeCacheManager.builder()
              .cache("c", spec -> spec.tags("all").nullTtl(Duration.ofMinutes(1)))
              .build()) {
        CascadeCache cache = manager.getCache("c");
        cache.put("a", null);
        assertThat(cache.putIfAbsent("b", null)).isNull();
        manager.invalidateTag("all");
        assertThat(cache.get("a")).isNull();
        assertThat(cache.get("b")).isNull();
      }
    }
  }

  /**
   * Spring's putIfAbsent stores only if absent: a present entry whose early refresh is due keeps its
   * value, and no refresh with the given value starts (the caller was told it was present).
   */
  @Test
  void adapter_putIfAbsentOnEntryDueForEarlyRefresh_keepsEntry_startsNoRefresh() {
    FakeTicker ticker = new FakeTicker();
    ManualExecutor background = new ManualExecutor();
    RandomGenerator draws = // XFetch's u = 1 - 0.999 on every hit: due from ~7 loads' time before expiry
        new RandomGenerator() {
          @Override
          public long nextLong() {
            return 0;
          }

          @Override
          public double nextDouble() {
            return 0.999;
          }
        };
    try (CascadeCacheManager manager =
        CascadeCacheManager.builder()
            .cache("c", spec -> spec.ttl(Duration.ofMinutes(10)))
            .customizer((name, builder) -> builder.earlyRefresh(1.0).ticker(ticker).random(draws).executor(background))
            .build()) {
      CascadeCache cache = manager.getCache("c");
      cache.get(
          "k",
          () -> {
            ticker.advance(Duration.ofMinutes(1)); // the load's time, which early refresh scales
            return "old";
          });
      ticker.advance(Duration.ofMinutes(8)); // 1 min before expiry: 9 min + 6.9 min >= 10 min, due

      ValueWrapper present = cache.putIfAbsent("k", "new");
      assertThat(present).isNotNull();
      assertThat(present.get()).isEqualTo("old");
      assertThat(background.runAll()).as("refreshes started by putIfAbsent").isZero();
      assertThat(cache.get("k").get()).isEqualTo("old");

      // the control: the entry is due, and a get with a loader does refresh it
      assertThat(cache.get("k", () -> "refreshed")).isEqualTo("old");
      assertThat(background.runAll()).as("tasks of the refresh").isPositive();
      assertThat(cache.get("k").get()).isEqualTo("refreshed");
    }
  }

  /**
   * An expired entry in its stale-while-revalidate window is absent for putIfAbsent, as for a lookup:
   * the value is stored at once and reported stored, and no revalidation starts with it.
   */
  @Test
  void adapter_putIfAbsentOnEntryInRevalidationWindow_storesValue_startsNoRefresh() {
    FakeTicker ticker = new FakeTicker();
    ManualExecutor background = new ManualExecutor();
    try (CascadeCacheManager manager =
        CascadeCacheManager.builder()
            .cache("c", spec -> spec.ttl(Duration.ofMinutes(1)))
            .customizer(
                (name, builder) ->
                    builder.staleWhileRevalidate(Duration.ofMinutes(5)).ticker(ticker).executor(background))
            .build()) {
      CascadeCache cache = manager.getCache("c");
      cache.get("k", () -> "old");
      ticker.advance(Duration.ofMinutes(2)); // expired, within the window

      assertThat(cache.putIfAbsent("k", "new")).isNull();
      assertThat(cache.get("k").get()).isEqualTo("new");
      assertThat(background.runAll()).as("tasks started by putIfAbsent").isZero();
      assertThat(cache.get("k").get()).isEqualTo("new");
    }
  }

  @Test
  void keyGenerators_giveStableDistinctKeys() throws Exception {
    java.lang.reflect.Method method = Object.class.getMethod("toString");
    CascadeKeyGenerator keys = new CascadeKeyGenerator();
    assertThat(keys.generate(this, method, "a")).isEqualTo("a");
    assertThat(keys.generate(this, method, "a", "b")).isEqualTo(List.of("a", "b"));
    assertThat(keys.generate(this, method, List.of("a", "b"))).isEqualTo(List.of(List.of("a", "b")));
    assertThat(keys.generate(this, method)).isEqualTo(List.of());
    assertThat(keys.generate(this, method, (Object) new int[] {1, 2})).isEqualTo(List.of(List.of(1, 2)));

    UserKeyGenerator perUser = UserKeyGenerator.of(() -> "alice");
    assertThat(perUser.generate(this, method, 7L))
        .isEqualTo(new UserKeyGenerator.UserKey("alice", "java.lang.Object.toString", List.of(7L)));
    assertThat(Set.of(perUser.generate(this, method, 7L), UserKeyGenerator.of(() -> "bob").generate(this, method, 7L)))
        .hasSize(2);
  }

  /**
   * The manager's key codec is the standard one (refusing {@code SimpleKey}), so it reads number and
   * string keys back as the standard codec does: another instance's write of key 2 leaves a load of
   * key 1 in flight to be cached (a codec that reads nothing back discards every fill in flight).
   */
  @Test
  void layeredCaches_anotherInstancesWriteOfOneKey_leavesAFillOfAnotherKeyInFlight() throws Exception {
    InMemoryRemoteStore store = InMemoryRemoteStore.create();
    InMemoryInvalidationBus bus = new InMemoryInvalidationBus();
    try (CascadeCacheManager one = manager(store, bus);
        CascadeCacheManager two = manager(store, bus)) {
      org.springframework.cache.Cache loading = one.getCache("c");
      String loaded =
          Concurrently.whileLoading(
              loader -> loading.get(1, loader::get), "loaded by one", () -> two.getCache("c").put(2, "written by two"));
      assertThat(loaded).isEqualTo("loaded by one");
      Cache<Object, Object> cache = ((CascadeCache) loading).getNativeCache();
      long hits = cache.inspect().localLookups().hits();
      assertThat(cache.getIfPresent(1)).isEqualTo("loaded by one");
      assertThat(cache.inspect().localLookups().hits()).isEqualTo(hits + 1);
    }
  }

  private static CascadeCacheManager manager(InMemoryRemoteStore store, InMemoryInvalidationBus bus) {
    return CascadeCacheManager.builder()
        .remote(store)
        .invalidation(bus.newChannel())
        .cache("c", spec -> spec.valueType(String.class))
        .build();
  }
}
