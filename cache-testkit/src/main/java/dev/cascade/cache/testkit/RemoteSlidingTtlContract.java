package dev.cascade.cache.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.cascade.cache.Cache;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;

/**
 * {@link SlidingTtlContract} for caches with a remote tier, plus what only the store can show: a
 * write gives the entry the sliding duration on the server, and a hit that reaches the remote tier
 * moves the server's TTL forward ({@code PTTL} on Redis, the {@code t} flag of a meta get on
 * Memcached), for single reads, loads and bulk reads alike.
 *
 * <p>A backend supplies {@link #storeTtl} and {@link #setStoreTtl}, which read and set the TTL on
 * the store directly, beside the cache. Keys are the cache's remote keys, {@code
 * cascade:<cacheName>:<key>} (the contract's keys are short and plain, so never hashed).
 */
public abstract class RemoteSlidingTtlContract extends SlidingTtlContract {

  /** Long enough that the server's own clock cannot make a difference while a test runs. */
  private static final Duration LONG_SLIDE = Duration.ofSeconds(100);

  /** The short TTL a test sets on the store, which a hit must move back up. */
  private static final Duration SHORT = Duration.ofSeconds(5);

  @Override
  protected abstract @Nullable Duration storeTtl(String cacheName, String key);

  /** Sets, on the store itself, the TTL of the entry of {@code key} in the cache named {@code cacheName}. */
  protected abstract void setStoreTtl(String cacheName, String key, Duration ttl);

  /** Returns the remote key of {@code key} in the cache named {@code cacheName}. */
  protected static String remoteKey(String cacheName, String key) {
    return "cascade:" + cacheName + ":" + key;
  }

  @Test
  void put_givesTheEntryTheSlidingDurationOnTheStore() {
    String name = name("slide-store-put");
    Cache<String, String> cache = build(sliding(name, LONG_SLIDE));

    cache.put("k", "v");

    assertThat(storeTtl(name, "k")).isNotNull().isGreaterThan(SHORT).isLessThanOrEqualTo(LONG_SLIDE);
  }

  @Test
  void getIfPresent_hitInTheStore_movesTheStoresTtlForward() {
    String name = name("slide-store-hit");
    Cache<String, String> cache = build(sliding(name, LONG_SLIDE));
    cache.put("k", "v");
    ticker.advance(LONG_SLIDE.dividedBy(2)); // any in-process copy lapses: the next read reaches the store
    setStoreTtl(name, "k", SHORT);
    assertThat(storeTtl(name, "k")).isNotNull().isLessThanOrEqualTo(SHORT);

    assertThat(cache.getIfPresent("k")).isEqualTo("v");

    assertThat(storeTtl(name, "k")).isNotNull().isGreaterThan(SHORT).isLessThanOrEqualTo(LONG_SLIDE);
  }

  @Test
  void get_hitInTheStore_movesTheStoresTtlForward_withoutLoading() {
    String name = name("slide-store-get");
    Cache<String, String> cache = build(sliding(name, LONG_SLIDE));
    cache.put("k", "v");
    ticker.advance(LONG_SLIDE.dividedBy(2));
    setStoreTtl(name, "k", SHORT);

    assertThat(cache.get("k", key -> "loaded")).isEqualTo("v");

    assertThat(storeTtl(name, "k")).isNotNull().isGreaterThan(SHORT).isLessThanOrEqualTo(LONG_SLIDE);
  }

  @Test
  void getAll_hitsInTheStore_moveEveryTtlForward() {
    String name = name("slide-store-bulk");
    Cache<String, String> cache = build(sliding(name, LONG_SLIDE));
    List<String> keys = List.of("a", "b", "c");
    cache.putAll(Map.of("a", "1", "b", "2", "c", "3"));
    ticker.advance(LONG_SLIDE.dividedBy(2));
    keys.forEach(key -> setStoreTtl(name, key, SHORT));

    assertThat(cache.getAll(keys)).isEqualTo(Map.of("a", "1", "b", "2", "c", "3"));

    for (String key : keys) {
      assertThat(storeTtl(name, key)).as(key).isNotNull().isGreaterThan(SHORT).isLessThanOrEqualTo(LONG_SLIDE);
    }
  }

  /**
   * The entry is read each time the store says half its sliding duration is left: on a server's own
   * clock, that is real time passing (watched, not slept), and the entry outlives its first
   * lifetime by half again.
   */
  @Test
  void getIfPresent_eachTimeTheStoreHasHalfTheSlideLeft_entryOutlivesItsFirstLifetime() {
    Duration slide = storeFollowsTicker() ? SLIDE : Duration.ofSeconds(4);
    Duration half = slide.dividedBy(2);
    String name = name("slide-store-clock");
    Cache<String, String> cache = build(sliding(name, slide));
    cache.put("k", "v");

    for (int i = 0; i < 3; i++) {
      ticker.advance(half); // any in-process copy lapses; a store on the ticker has half left
      await("half the sliding duration left on the store")
          .atMost(Duration.ofSeconds(20))
          .until(() -> {
            Duration left = storeTtl(name, "k");
            return left == null || left.compareTo(half) <= 0;
          });
      assertThat(storeTtl(name, "k")).as("round %d", i).isNotNull();

      assertThat(cache.getIfPresent("k")).as("round %d", i).isEqualTo("v");

      assertThat(storeTtl(name, "k")).as("round %d", i).isNotNull().isGreaterThan(half);
    }
  }

  @Test
  void getIfPresent_miss_createsNothingOnTheStore() {
    String name = name("slide-store-miss");
    Cache<String, String> cache = build(sliding(name, LONG_SLIDE));

    assertThat(cache.getIfPresent("absent")).isNull();
    assertThat(cache.getAll(List.of("absent", "missing"))).isEmpty();

    assertThat(storeTtl(name, "absent")).isNull();
    assertThat(storeTtl(name, "missing")).isNull();
  }
}
