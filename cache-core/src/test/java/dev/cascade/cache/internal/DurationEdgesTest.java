package dev.cascade.cache.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.cascade.cache.Cache;
import dev.cascade.cache.CacheBuilder;
import dev.cascade.cache.Stampede;
import dev.cascade.cache.codec.StringCodec;
import dev.cascade.cache.memory.InMemoryRemoteStore;
import dev.cascade.cache.memory.InMemoryStampedeLock;
import dev.cascade.cache.Ticker;
import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Durations at the edges of what the options take: windows under a millisecond, and windows, waits
 * and poll intervals longer than a {@code long} of milliseconds or nanoseconds holds
 * ({@link ChronoUnit#FOREVER} included). Each is taken as the nearest duration the cache can keep,
 * never as 0 (the feature off), never as "no expiry", never as an {@link ArithmeticException}.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class DurationEdgesTest {
  private static final Duration TTL = Duration.ofSeconds(1);
  private static final Duration HALF_A_MILLISECOND = Duration.ofNanos(500_000);

  private final SimulatedTime.Clock clock = new SimulatedTime.Clock();
  private final SimulatedTime.Steps background = new SimulatedTime.Steps();
  private final List<Cache<String, String>> built = new ArrayList<>();

  @AfterEach
  void closeCaches() {
    built.forEach(Cache::close);
  }

  private Cache<String, String> inProcess(String name, java.util.function.UnaryOperator<CacheBuilder<String, String>> options) {
    Cache<String, String> cache =
        options
            .apply(
                Cache.<String, String>builder(name)
                    .inMemory(m -> m.maximumSize(100))
                    .ticker(clock)
                    .ttl(TTL)
                    .executor(background))
            .build();
    built.add(cache);
    return cache;
  }

  private static String failing(String key) {
    throw new IllegalStateException("database down for " + key);
  }

  @Test
  void staleWhileRevalidate_underAMillisecond_isOneMillisecond_notOff() {
    Cache<String, String> cache = inProcess("swr-tiny", b -> b.staleWhileRevalidate(HALF_A_MILLISECOND));
    cache.get("k", key -> "v1");
    clock.advance(TTL); // at the logical expiry: within a 1 ms window

    assertThat(cache.get("k", key -> "v2")).isEqualTo("v1");
    assertThat(cache.stats().staleRevalidateCount()).isEqualTo(1);
  }

  @Test
  void staleIfError_underAMillisecond_isOneMillisecond_notOff() {
    Cache<String, String> cache = inProcess("sie-tiny", b -> b.staleIfError(HALF_A_MILLISECOND));
    cache.get("k", key -> "v1");
    clock.advance(TTL);

    assertThat(cache.get("k", DurationEdgesTest::failing)).isEqualTo("v1");
  }

  @Test
  void staleWhileRevalidate_ofLongMaxMilliseconds_theTtlStillApplies() {
    Cache<String, String> cache =
        inProcess("swr-huge", b -> b.staleWhileRevalidate(Duration.ofMillis(Long.MAX_VALUE)));
    cache.get("k", key -> "v1");
    clock.advance(TTL.multipliedBy(2));

    assertThat(cache.get("k", key -> "v2")).as("stale, refreshed").isEqualTo("v1");
    background.runAll();
    assertThat(cache.get("k", key -> "v3")).isEqualTo("v2");
    assertThat(cache.stats().staleRevalidateCount()).isEqualTo(1);
  }

  @Test
  void staleIfError_forever_builds_andTheTtlStillApplies() {
    Cache<String, String> cache = inProcess("sie-forever", b -> b.staleIfError(ChronoUnit.FOREVER.getDuration()));
    cache.get("k", key -> "v1");
    clock.advance(Duration.ofDays(365 * 50));

    assertThat(cache.get("k", DurationEdgesTest::failing)).as("stale on error, fifty years on").isEqualTo("v1");
    assertThat(cache.get("k", key -> "v2")).as("expired: loaded").isEqualTo("v2");
  }

  @Test
  void staleWhileRevalidate_forever_builds_andTheTtlStillApplies() {
    Cache<String, String> cache =
        inProcess("swr-forever", b -> b.staleWhileRevalidate(ChronoUnit.FOREVER.getDuration()));
    cache.get("k", key -> "v1");
    clock.advance(TTL.multipliedBy(2));

    assertThat(cache.get("k", key -> "v2")).isEqualTo("v1");
    background.runAll();
    assertThat(cache.get("k", key -> "v3")).isEqualTo("v2");
  }

  // ---- the distributed lease's waits: real time, as the lease measures them -----------------

  private final InMemoryRemoteStore shared = InMemoryRemoteStore.create();
  private final InMemoryStampedeLock lock = InMemoryStampedeLock.create(shared, Ticker.system());

  private Cache<String, String> leased(Stampede stampede) {
    Cache<String, String> cache =
        Cache.<String, String>builder("leased")
            .tier(shared)
            .valueCodec(StringCodec.create())
            .stampede(stampede)
            .build();
    built.add(cache);
    return cache;
  }

  /** Starts a load of {@code key} on {@code holder} that takes the lease and waits for {@code release}. */
  private static void holdLease(Cache<String, String> holder, CompletableFuture<String> release) throws InterruptedException {
    CountDownLatch loading = new CountDownLatch(1);
    holder.async().get("k", key -> {
      loading.countDown();
      return release;
    });
    assertThat(loading.await(10, TimeUnit.SECONDS)).isTrue();
  }

  @Test
  void stampede_maxWaitForever_waitsForTheHolder_insteadOfFailingEveryMiss() throws Exception {
    Stampede stampede = Stampede.distributed(lock).maxWait(ChronoUnit.FOREVER.getDuration()).pollInterval(Duration.ofMillis(1));
    Cache<String, String> holder = leased(stampede);
    Cache<String, String> waiter = leased(stampede);
    CompletableFuture<String> release = new CompletableFuture<>();
    holdLease(holder, release);

    CompletableFuture<String> waited = waiter.async().get("k", key -> CompletableFuture.completedFuture("waiter's"));
    await().atMost(Duration.ofSeconds(10)).until(() -> waiter.stats().leaseWaitCount() == 1 || waited.isDone());
    release.complete("holder's");

    assertThat(waited.get(10, TimeUnit.SECONDS)).isEqualTo("holder's");
  }

  @Test
  void stampede_pollIntervalForever_waitsOutMaxWait_thenLoads_insteadOfFailingEveryMiss() throws Exception {
    Stampede stampede = Stampede.distributed(lock).maxWait(Duration.ofMillis(20)).pollInterval(ChronoUnit.FOREVER.getDuration());
    Cache<String, String> holder = leased(stampede);
    Cache<String, String> waiter = leased(stampede);
    CompletableFuture<String> release = new CompletableFuture<>();
    holdLease(holder, release);
    try {
      CompletableFuture<String> waited = waiter.async().get("k", key -> CompletableFuture.completedFuture("waiter's"));

      assertThat(waited.get(10, TimeUnit.SECONDS)).isEqualTo("waiter's");
    } finally {
      release.complete("holder's");
    }
  }
}
