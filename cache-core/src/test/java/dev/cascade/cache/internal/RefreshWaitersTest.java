package dev.cascade.cache.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cascade.cache.Cache;
import dev.cascade.cache.CacheBuilder;
import dev.cascade.cache.codec.StringCodec;
import dev.cascade.cache.memory.InMemoryRemoteStore;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.random.RandomGenerator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Callers that come while a background refresh of their key runs (single-flight's answer to them):
 * they get the entry being refreshed only while a read of theirs could still find it (nothing
 * invalidated or replaced it since the read that found it, and it is not past its TTL or its
 * revalidation window), and never the refresh's failure. Simulated time, and background work run
 * when the test says ({@link SimulatedTime}).
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class RefreshWaitersTest {
  private static final Duration TTL = Duration.ofSeconds(1);
  /** XFetch's draw {@code u}: 0.5, so that a hit whose entry has a load time looks ahead by a lot. */
  private static final RandomGenerator HALF =
      new RandomGenerator() {
        @Override
        public long nextLong() {
          return 0;
        }

        @Override
        public double nextDouble() {
          return 0.5;
        }
      };

  private final SimulatedTime.Clock clock = new SimulatedTime.Clock();
  private final SimulatedTime.Steps background = new SimulatedTime.Steps();
  private final SimulatedTime.PeekHook peeks = new SimulatedTime.PeekHook();
  /** Remote replies on {@link #background}: a remote hit completes when the test runs it. */
  private final SimulatedTime.LateReplies lateReplies = new SimulatedTime.LateReplies(background);
  private final InMemoryRemoteStore store = InMemoryRemoteStore.create(clock);
  private final List<Cache<String, String>> built = new ArrayList<>();

  @AfterEach
  void closeCaches() {
    built.forEach(Cache::close);
  }

  private CacheBuilder<String, String> remoteOnly(String name) {
    return Cache.<String, String>builder(name)
        .tier(store)
        .valueCodec(StringCodec.create())
        .ticker(clock)
        .ttl(TTL)
        .executor(background);
  }

  private CacheBuilder<String, String> inProcessOnly(String name) {
    return Cache.<String, String>builder(name)
        .inMemory(m -> m.maximumSize(100))
        .decorateTiers(peeks)
        .ticker(clock)
        .ttl(TTL)
        .executor(background);
  }

  private Cache<String, String> build(CacheBuilder<String, String> builder) {
    Cache<String, String> cache = builder.build();
    built.add(cache);
    return cache;
  }

  private static CompletableFuture<String> completed(String value) {
    return CompletableFuture.completedFuture(value);
  }

  /** A loader that takes 100 ms of simulated time: the entry it loads has a load time, for XFetch. */
  private Function<String, String> slowLoader(String value) {
    return key -> {
      clock.advance(Duration.ofMillis(100));
      return value;
    };
  }

  // ---- finding 1: the entry being refreshed, after an invalidation or a put ------------------

  @Test
  void get_whileARefreshRegisteredAfterAnInvalidation_doesNotGetTheInvalidatedValue() {
    Cache<String, String> cache =
        build(remoteOnly("after-invalidate").staleWhileRevalidate(Duration.ofSeconds(10)).decorateTiers(lateReplies));
    cache.put("k", "v1");
    clock.advance(Duration.ofSeconds(2));
    CompletableFuture<String> refreshLoad = new CompletableFuture<>();
    CompletableFuture<String> first = cache.async().get("k", key -> refreshLoad); // read v1; its reply queued
    cache.invalidate("k");
    background.runAll(); // the first call gets v1, read before the invalidation; its refresh starts after it

    assertThat(first).isCompletedWithValue("v1");
    CompletableFuture<String> later = cache.async().get("k", key -> completed("v3"));
    refreshLoad.complete("v2");
    background.runAll();

    assertThat(later.join()).as("the refresh's load began after the invalidation; v1 is gone").isEqualTo("v2");
  }

  @Test
  void get_whileARefreshRegisteredAfterAPut_getsThePutValue() {
    Cache<String, String> cache =
        build(remoteOnly("after-put").staleWhileRevalidate(Duration.ofSeconds(10)).decorateTiers(lateReplies));
    cache.put("k", "v1");
    clock.advance(Duration.ofSeconds(2));
    CompletableFuture<String> first = cache.async().get("k", key -> completed("loaded")); // its reply queued
    cache.put("k", "v2");
    background.runNext(); // the first call gets v1, read before the put, and registers the refresh

    assertThat(first).isCompletedWithValue("v1");
    assertThat(background.queued()).as("the refresh waits for the executor").isPositive();
    CompletableFuture<String> later = cache.async().get("k", key -> completed("v3"));
    background.runAll();

    assertThat(later.join()).isEqualTo("v2");
  }

  @Test
  void get_whileARefreshOfAnInProcessStaleEntryInvalidatedBeforeItStarted_doesNotGetTheInvalidatedValue() {
    Cache<String, String> cache = build(inProcessOnly("local-stale").staleWhileRevalidate(Duration.ofSeconds(10)));
    cache.get("k", key -> "v1");
    clock.advance(Duration.ofSeconds(2));
    peeks.afterNextPeek("k", () -> cache.invalidate("k"));

    assertThat(cache.get("k", key -> "v2")).as("read before the invalidation").isEqualTo("v1");
    CompletableFuture<String> later = cache.async().get("k", key -> completed("v3"));
    background.runAll();

    assertThat(later.join()).isEqualTo("v2");
  }

  @Test
  void get_whileAnEarlyRefreshOfAnEntryInvalidatedBeforeItStarted_doesNotGetTheInvalidatedValue() {
    Cache<String, String> cache = build(inProcessOnly("local-early").earlyRefresh(10).random(HALF));
    cache.get("k", slowLoader("v1"));
    clock.advance(Duration.ofMillis(500));
    peeks.afterNextPeek("k", () -> cache.invalidate("k"));

    assertThat(cache.get("k", key -> "v2")).as("a hit before the invalidation").isEqualTo("v1");
    CompletableFuture<String> later = cache.async().get("k", key -> completed("v3"));
    background.runAll();

    assertThat(later.join()).isEqualTo("v2");
  }

  // ---- finding 2: early refresh only, the entry being refreshed past its TTL -----------------

  @Test
  void get_pastTheTtlWhileAnEarlyRefreshRuns_inProcessOnly_doesNotGetTheExpiredValue() {
    Cache<String, String> cache = build(inProcessOnly("early-expired").earlyRefresh(10).random(HALF));
    cache.get("k", slowLoader("v1"));
    clock.advance(Duration.ofMillis(500));
    assertThat(cache.get("k", key -> "v2")).isEqualTo("v1");
    assertThat(background.queued()).as("the refresh waits for the executor").isPositive();
    clock.advance(Duration.ofMinutes(1));

    CompletableFuture<String> later = cache.async().get("k", key -> completed("v3"));
    background.runAll();

    assertThat(later.join()).isEqualTo("v2");
  }

  @Test
  void get_pastTheTtlWhileAnEarlyRefreshRuns_remoteOnly_doesNotGetTheExpiredValue() {
    Cache<String, String> cache = build(remoteOnly("early-expired-remote").earlyRefresh(10).random(HALF));
    cache.get("k", slowLoader("v1"));
    clock.advance(Duration.ofMillis(500));
    CompletableFuture<String> refreshLoad = new CompletableFuture<>();
    CompletableFuture<String> first = cache.async().get("k", key -> refreshLoad);
    background.runAll(); // v1, fresh; its refresh loads and waits for refreshLoad
    assertThat(first).isCompletedWithValue("v1");
    clock.advance(Duration.ofMinutes(1));

    CompletableFuture<String> later = cache.async().get("k", key -> completed("v3"));
    refreshLoad.complete("v2");
    background.runAll();

    assertThat(later.join()).isEqualTo("v2");
  }

  // ---- finding 3: the refresh's failure ------------------------------------------------------

  private static String failing(String key) {
    throw new IllegalStateException("database down for " + key);
  }

  private Cache<String, String> refreshThatFails() {
    Cache<String, String> cache =
        build(
            inProcessOnly("refresh-fails")
                .staleWhileRevalidate(Duration.ofSeconds(1))
                .staleIfError(Duration.ofMinutes(1)));
    cache.get("k", key -> "v1");
    clock.advance(Duration.ofMillis(1_500));
    assertThat(cache.get("k", RefreshWaitersTest::failing)).as("stale; a refresh queued").isEqualTo("v1");
    clock.advance(Duration.ofSeconds(1)); // past the revalidation window, within stale-if-error
    return cache;
  }

  @Test
  void get_joiningARefreshThatFails_loadsWithItsOwnLoader() {
    Cache<String, String> cache = refreshThatFails();

    CompletableFuture<String> waiter = cache.async().get("k", key -> completed("v2"));
    background.runAll();

    assertThat(waiter.join()).isEqualTo("v2");
    assertThat(cache.stats().refreshFailureCount()).isEqualTo(1);
  }

  @Test
  void get_joiningARefreshThatFails_whoseOwnLoadFailsToo_getsTheStaleValue() {
    Cache<String, String> cache = refreshThatFails();

    CompletableFuture<String> waiter = cache.async().get("k", key -> CompletableFuture.failedFuture(new IllegalStateException("down")));
    background.runAll();

    assertThat(waiter.join()).isEqualTo("v1");
    assertThat(cache.stats().staleErrorCount()).isEqualTo(1);
  }

  @Test
  void getAll_joiningARefreshThatFails_loadsWithItsOwnBulkLoader() {
    Cache<String, String> cache = refreshThatFails();

    CompletableFuture<Map<String, String>> waiter =
        cache.async().getAll(List.of("k"), keys -> CompletableFuture.completedFuture(Map.of("k", "v2")));
    background.runAll();

    assertThat(waiter.join()).isEqualTo(Map.of("k", "v2"));
    assertThat(cache.stats().refreshFailureCount()).isEqualTo(1);
  }
}
