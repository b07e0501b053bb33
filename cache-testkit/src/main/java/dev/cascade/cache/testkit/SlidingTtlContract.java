package dev.cascade.cache.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.cascade.cache.Cache;
import dev.cascade.cache.CacheBuilder;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;

/**
 * The sliding TTL contract ({@link CacheBuilder#expireAfterAccess}) as seen through the {@link
 * Cache} API: an entry read at least every half of its sliding duration never expires, one not read
 * for that long has expired, cached absences and per-entry TTLs behave as documented, bulk reads
 * slide too.
 *
 * <p>A backend extends this class (or {@link RemoteSlidingTtlContract} when the cache has a remote
 * tier) and supplies {@link #newBuilder}, as for {@link CacheContract}. Time is the contract's
 * {@link #ticker}. A backend whose remote store keeps time by its server's own clock (Redis,
 * Memcached) says so with {@link #storeFollowsTicker()}: the ticker then still drives the
 * in-process tier and the logical expiry of absences, and an idle entry's expiry is watched on the
 * server itself, in real time, through {@link #storeTtl}, never by sleeping a fixed time.
 */
public abstract class SlidingTtlContract extends ContractBase {

  /** The sliding duration of the tests that run on the ticker alone. */
  protected static final Duration SLIDE = Duration.ofSeconds(10);

  /**
   * Whether every tier expires entries by {@link #ticker} ({@code true}: the in-process tier, the
   * in-memory store); {@code false} when a server's own clock rules a remote tier's TTL.
   */
  protected boolean storeFollowsTicker() {
    return true;
  }

  /**
   * Returns the time the remote store says the entry of {@code key} in the cache named {@code
   * cacheName} has left, read on the store without touching it ({@code PTTL} on Redis, {@code mg
   * <key> t} on Memcached), or {@code null} if the store does not hold it. Needed when {@link
   * #storeFollowsTicker()} is {@code false}; a backend without a remote tier never gets the call.
   */
  protected @Nullable Duration storeTtl(String cacheName, String key) {
    throw new UnsupportedOperationException(
        getClass().getName() + " does not follow the ticker, so it must say how to read its store's TTLs");
  }

  /** Returns a builder of a cache named {@code name} with a sliding TTL of {@code slide}. */
  protected final CacheBuilder<String, String> sliding(String name, Duration slide) {
    return newBuilder(name).expireAfterAccess(slide);
  }

  // ---- a read keeps an entry ------------------------------------------------------------------

  @Test
  void getIfPresent_everyHalfSlide_entryNeverExpires() {
    Cache<String, String> cache = build(sliding(name("slide-read"), SLIDE));
    cache.put("k", "v");

    for (int i = 0; i < 10; i++) { // five sliding durations in all
      ticker.advance(SLIDE.dividedBy(2));
      assertThat(cache.getIfPresent("k")).as("read %d", i).isEqualTo("v");
    }
  }

  @Test
  void get_everyHalfSlide_loadsOnce() {
    Cache<String, String> cache = build(sliding(name("slide-load"), SLIDE));
    AtomicInteger calls = new AtomicInteger();

    for (int i = 0; i < 10; i++) {
      assertThat(cache.get("k", counting(calls))).isEqualTo("value-of-k");
      ticker.advance(SLIDE.dividedBy(2));
    }

    assertThat(calls).hasValue(1);
  }

  @Test
  void getAll_everyHalfSlide_everyEntryStays_andTheBulkLoaderIsNotCalled() {
    Cache<String, String> cache = build(sliding(name("slide-bulk"), SLIDE));
    cache.putAll(Map.of("a", "1", "b", "2", "c", "3"));
    AtomicInteger bulkCalls = new AtomicInteger();

    for (int i = 0; i < 10; i++) {
      ticker.advance(SLIDE.dividedBy(2));
      assertThat(
              cache.getAll(
                  List.of("a", "b", "c"),
                  missing -> {
                    bulkCalls.incrementAndGet();
                    return Map.of();
                  }))
          .as("read %d", i)
          .isEqualTo(Map.of("a", "1", "b", "2", "c", "3"));
    }
    assertThat(bulkCalls).hasValue(0);
  }

  @Test
  void getIfPresent_onlyOneOfTwoEntriesRead_theOtherExpiresAndTheReadOneStays() {
    if (!storeFollowsTicker()) {
      idleEntryExpiresOnTheServer();
      return;
    }
    Cache<String, String> cache = build(sliding(name("slide-idle"), SLIDE));
    cache.put("read", "v");
    cache.put("idle", "v");

    ticker.advance(SLIDE.dividedBy(2));
    assertThat(cache.getIfPresent("read")).isEqualTo("v");
    ticker.advance(SLIDE.dividedBy(2).minusMillis(1));
    assertThat(cache.getIfPresent("read")).isEqualTo("v");
    ticker.advance(Duration.ofMillis(1)); // "idle" was written SLIDE ago and never read

    assertThat(cache.getIfPresent("idle")).isNull();
    assertThat(cache.getIfPresent("read")).isEqualTo("v");
    ticker.advance(SLIDE); // and now "read" has not been read for SLIDE either
    assertThat(cache.getIfPresent("read")).isNull();
  }

  /**
   * {@link #getIfPresent_onlyOneOfTwoEntriesRead_theOtherExpiresAndTheReadOneStays} where the
   * server's clock rules: a short sliding duration, and the server is watched until it drops the
   * entry nobody reads.
   */
  private void idleEntryExpiresOnTheServer() {
    // Two seconds, not one: memcached counts time in whole seconds from a clock that ticks once a
    // second, so an item given one second lives between 0 and 1 s, and may be gone before it is read.
    Duration slide = Duration.ofSeconds(2);
    String name = name("slide-idle-server");
    Cache<String, String> cache = build(sliding(name, slide));
    cache.put("idle", "v");
    assertThat(storeTtl(name, "idle")).isNotNull().isLessThanOrEqualTo(slide);
    ticker.advance(slide); // the in-process copy, if any, lapses by the ticker

    await("the server drops the idle entry").atMost(Duration.ofSeconds(20)).until(() -> storeTtl(name, "idle") == null);
    assertThat(cache.getIfPresent("idle")).isNull();
  }

  // ---- what does not slide, and per-entry TTLs ------------------------------------------------

  @Test
  void get_cachedAbsence_doesNotSlide_andExpiresAfterNullTtl() {
    Cache<String, String> cache =
        build(sliding(name("slide-null"), Duration.ofMinutes(1)).nullTtl(Duration.ofSeconds(4)));
    AtomicInteger calls = new AtomicInteger();
    Function<String, String> absent =
        key -> {
          calls.incrementAndGet();
          return null;
        };

    assertThat(cache.get("gone", absent)).isNull();
    ticker.advance(Duration.ofSeconds(3));
    assertThat(cache.get("gone", absent)).isNull(); // a hit on the absence
    assertThat(calls).hasValue(1);
    ticker.advance(Duration.ofSeconds(2)); // 5 s after the load, 2 s after the last read

    assertThat(cache.lookup("gone")).isNull();
    cache.get("gone", absent);
    assertThat(calls).hasValue(2);
  }

  @Test
  void put_perEntryTtl_isTheFirstLifetime_andAReadSlidesByTheCachesDuration() {
    Cache<String, String> cache = build(sliding(name("slide-entry"), SLIDE));
    cache.put("read", "v", Duration.ofSeconds(2));
    cache.put("unread", "v", Duration.ofSeconds(2));

    ticker.advance(Duration.ofSeconds(1));
    assertThat(cache.getIfPresent("read")).isEqualTo("v");
    ticker.advance(Duration.ofSeconds(1));
    if (storeFollowsTicker()) {
      assertThat(cache.getIfPresent("unread")).isNull(); // its own 2 s, never read
    }
    ticker.advance(Duration.ofSeconds(4)); // 6 s after the write, 5 s after the read

    assertThat(cache.getIfPresent("read")).isEqualTo("v");
  }

  @Test
  void get_perEntryTtl_isTheFirstLifetime_andAReadSlidesByTheCachesDuration() {
    Cache<String, String> cache = build(sliding(name("slide-load-ttl"), SLIDE));
    AtomicInteger calls = new AtomicInteger();
    cache.get("k", Duration.ofSeconds(2), counting(calls));

    ticker.advance(Duration.ofSeconds(1));
    assertThat(cache.get("k", Duration.ofSeconds(2), counting(calls))).isEqualTo("value-of-k");
    ticker.advance(Duration.ofSeconds(5)); // 6 s after the load, 5 s after the read

    assertThat(cache.get("k", Duration.ofSeconds(2), counting(calls))).isEqualTo("value-of-k");
    assertThat(calls).hasValue(1);
  }

  @Test
  void invalidate_slidingEntry_isGoneFromEveryTier() {
    Cache<String, String> cache = build(sliding(name("slide-invalidate"), SLIDE));
    cache.put("k", "v");
    assertThat(cache.getIfPresent("k")).isEqualTo("v");

    cache.invalidate("k");

    assertThat(cache.getIfPresent("k")).isNull();
    ticker.advance(SLIDE.dividedBy(2)); // past any in-process copy: the remote tier is asked too
    assertThat(cache.getIfPresent("k")).isNull();
  }

  @Test
  void put_overwritesSlidingEntry_readsTheNewValueAndKeepsSliding() {
    Cache<String, String> cache = build(sliding(name("slide-overwrite"), SLIDE));
    cache.put("k", "one");
    ticker.advance(SLIDE.dividedBy(2));
    assertThat(cache.getIfPresent("k")).isEqualTo("one");

    cache.put("k", "two");

    for (int i = 0; i < 4; i++) {
      ticker.advance(SLIDE.dividedBy(2));
      assertThat(cache.getIfPresent("k")).isEqualTo("two");
    }
  }
}
