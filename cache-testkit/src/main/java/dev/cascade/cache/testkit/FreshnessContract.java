package dev.cascade.cache.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.cascade.cache.AsyncCache;
import dev.cascade.cache.Cache;
import dev.cascade.cache.CacheBuilder;
import dev.cascade.cache.CacheStats;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The freshness contract: early refresh (XFetch), stale-while-revalidate and stale-if-error, on the
 * backend's tiers, with simulated time ({@link #ticker}), a seeded random source and background
 * refreshes run when the test says ({@link ManualExecutor}) or on a real pool where readers must not
 * wait. A backend runs it by extending this class, as with {@link CacheContract}.
 *
 * <p>The XFetch figures are computed in docs/freshness.md: a key read once per millisecond, with a
 * load time δ and a beta β, is refreshed on average δβ(ln(δβ per ms) + γ) before it expires (γ is
 * Euler's constant), because every read makes its own draw. With δ = 100 ms and β = 1 that is about
 * 518 ms, so a 1 s TTL sees about 1.7 loads per TTL window (each load also pauses the simulated
 * reads for its 100 ms), while β = 0.2 refreshes about 71 ms early: one load per window.
 */
public abstract class FreshnessContract extends ContractBase {
  private static final Duration TTL = Duration.ofSeconds(1);
  private static final Duration LOAD_TIME = Duration.ofMillis(100);

  /** Where refreshes of the simulated tests run: on the test's thread, when it drains it. */
  protected final ManualExecutor background = new ManualExecutor();

  private final ExecutorService pool = Executors.newFixedThreadPool(4);

  @AfterEach
  final void stopPool() {
    pool.shutdownNow();
  }

  // ---- early refresh (XFetch) ---------------------------------------------------------------

  /** The outcome of {@link #readHotKey}: loads, loads a reader waited for, and TTL windows read. */
  record HotKeyRun(int loads, int waitedLoads, long windows, CacheStats stats) {
    double loadsPerWindow() {
      return (double) loads / windows;
    }
  }

  /**
   * How much slower simulated time runs in the hot-key runs and the early-refresh tests that read
   * a stored value back, whose TTL, load time and read interval or advances are all multiplied by it
   * (so reads per window and every ratio stay the same). 1 by default,
   * for backends that expire entries by the injected ticker alone. A server expires its copy by its
   * own clock, in real time, so a backend with one must override this: each window is a thousand
   * reads, and the server's copy has to outlive the real time they take, or readers find it gone
   * and wait for a load (a loaded CI machine once took over a second for one window at scale 1).
   */
  protected int timeScale() {
    return 1;
  }

  /** Returns {@code duration} multiplied by {@link #timeScale()}. */
  private Duration scaled(Duration duration) {
    return duration.multipliedBy(timeScale());
  }

  /**
   * A cache named after {@code base} that refreshes early with {@code beta}, draws from a random
   * seeded with {@code seed}, and holds entries for the scaled {@link #TTL}.
   */
  private Cache<String, String> earlyRefreshing(String base, double beta, long seed) {
    return build(
        newBuilder(name(base)).ttl(scaled(TTL)).earlyRefresh(beta).random(new Random(seed)).executor(background));
  }

  /**
   * Reads one key once per simulated millisecond for {@code windows} TTLs, after a first load; each
   * load takes {@link #LOAD_TIME} of simulated time, and refreshes run right after the read that
   * started them (all times multiplied by {@link #timeScale()}).
   */
  private HotKeyRun readHotKey(double beta, int windows) {
    Duration ttl = scaled(TTL);
    Duration loadTime = scaled(LOAD_TIME);
    Duration readInterval = scaled(Duration.ofMillis(1));
    Cache<String, String> cache = earlyRefreshing("xfetch", beta, 42);
    AtomicInteger loads = new AtomicInteger();
    AtomicInteger waited = new AtomicInteger();
    boolean[] reading = {false};
    Function<String, String> loader =
        key -> {
          int load = loads.incrementAndGet();
          if (reading[0]) {
            waited.incrementAndGet();
          }
          ticker.advance(loadTime);
          return "v" + load;
        };
    cache.get("hot", loader); // the first load: the only one a reader may wait for
    int firstWaits = waited.get();
    int firstLoads = loads.get();
    long end = ticker.wallMillis() + ttl.toMillis() * windows;
    while (ticker.wallMillis() < end) {
      ticker.advance(readInterval);
      reading[0] = true;
      assertThat(cache.get("hot", loader)).startsWith("v");
      reading[0] = false;
      settleRefreshes(cache);
    }
    return new HotKeyRun(loads.get() - firstLoads, waited.get() - firstWaits, windows, cache.stats());
  }

  /**
   * Runs the refreshes the last read started, until each has ended: a refresh over a real server
   * continues on {@link #background} when the server answers, after the queue was first drained.
   */
  protected final void settleRefreshes(Cache<String, String> cache) {
    if (background.queued() == 0) {
      return;
    }
    long ended = refreshesEnded(cache);
    runBackgroundUntil(() -> refreshesEnded(cache) > ended);
    background.runAll();
  }

  /**
   * Returns {@code future}'s value, running {@link #background} until it completes: asynchronous
   * calls continue there after a remote read.
   */
  protected final <T> T drain(CompletableFuture<T> future) {
    runBackgroundUntil(future::isDone);
    return future.join();
  }

  /**
   * Runs {@link #background} until {@code count} refreshes of {@code cache} have ended: whether one
   * is still running cannot be told from the queue, since over a real server it continues when the
   * server answers.
   */
  protected final void awaitRefreshesEnded(Cache<String, String> cache, long count) {
    runBackgroundUntil(() -> refreshesEnded(cache) >= count);
  }

  /** Runs {@link #background} over and over until {@code done} says so (at most 30 s). */
  private void runBackgroundUntil(java.util.function.BooleanSupplier done) {
    await()
        .atMost(Duration.ofSeconds(30))
        .pollInterval(Duration.ofMillis(1))
        .until(
            () -> {
              background.runAll();
              return done.getAsBoolean();
            });
  }

  private static long refreshesEnded(Cache<String, String> cache) {
    CacheStats stats = cache.stats();
    return stats.refreshSuccessCount() + stats.refreshFailureCount();
  }

  @Test
  void earlyRefresh_hotKeyOver200Windows_noReadWaits_andLoadsMatchXFetchsExpectation() {
    HotKeyRun run = readHotKey(1.0, 200);

    assertThat(run.waitedLoads()).as("reads that waited for a loader after the first load").isZero();
    // expected about 1.7 per window (class comment); a refresh on every read would be hundreds
    assertThat(run.loadsPerWindow()).isBetween(1.4, 2.0);
    assertThat(run.stats().refreshSuccessCount()).isEqualTo(run.loads());
  }

  @Test
  void earlyRefresh_smallBeta_loadsAboutOncePerWindow_andNoReadWaits() {
    HotKeyRun run = readHotKey(0.2, 50);

    assertThat(run.waitedLoads()).isZero();
    assertThat(run.loadsPerWindow()).isLessThanOrEqualTo(1.2);
  }

  @Test
  void earlyRefresh_beta2_refreshesEarlierThanBeta1_andBeta0Never() {
    HotKeyRun one = readHotKey(1.0, 30);
    HotKeyRun two = readHotKey(2.0, 30);
    HotKeyRun zero = readHotKey(0.0, 30);

    assertThat(two.loads()).as("beta 2 refreshes earlier, hence more often").isGreaterThan(one.loads() * 3 / 2);
    assertThat(zero.stats().refreshSuccessCount()).isZero();
    assertThat(zero.waitedLoads()).as("without early refresh every expiry makes a reader wait").isEqualTo(zero.loads());
    assertThat(zero.loadsPerWindow()).isLessThanOrEqualTo(1.0);
  }

  // The two tests below store a value under the bare TTL and read it back from the server, so they
  // run at timeScale() too: a 1 s TTL is memcached's T1, which may lapse within a millisecond.
  @Test
  void earlyRefresh_readsWithoutLoader_neverRefresh() {
    Cache<String, String> cache = earlyRefreshing("xfetch-plain", 5.0, 7);
    cache.get("k", key -> {
      ticker.advance(scaled(LOAD_TIME));
      return "v";
    });
    ticker.advance(scaled(Duration.ofMillis(900)));

    for (int i = 0; i < 50; i++) {
      assertThat(cache.getIfPresent("k")).isEqualTo("v");
    }
    assertThat(background.queued()).isZero();
    assertThat(cache.stats().refreshSuccessCount()).isZero();
  }

  @Test
  void earlyRefresh_asyncApi_hitStartsARefreshWithItsOwnLoader() {
    Cache<String, String> cache = earlyRefreshing("xfetch-async", 1.0, 3);
    AsyncCache<String, String> async = cache.async();
    drain(
        async.get(
            "k",
            key -> {
              ticker.advance(scaled(LOAD_TIME));
              return CompletableFuture.completedFuture("v1");
            }));
    // 1/1000 of the TTL before expiry, a hundredth of the load time: a refresh is due on any draw
    ticker.advance(scaled(Duration.ofMillis(999)));

    String served = drain(async.get("k", key -> CompletableFuture.completedFuture("v2")));
    awaitRefreshesEnded(cache, 1);

    assertThat(served).isEqualTo("v1");
    assertThat(cache.stats().refreshSuccessCount()).isEqualTo(1);
    assertThat(drain(async.get("k", key -> CompletableFuture.completedFuture("unused")))).isEqualTo("v2");
  }

  // ---- stale-while-revalidate ---------------------------------------------------------------

  @Test
  void staleWhileRevalidate_asyncApi_servesTheOldValue_thenTheRefreshedOne() {
    Cache<String, String> cache =
        build(newBuilder(name("swr-async")).ttl(TTL).staleWhileRevalidate(Duration.ofSeconds(5)).executor(background));
    AsyncCache<String, String> async = cache.async();
    drain(async.get("k", key -> CompletableFuture.completedFuture("old")));
    ticker.advance(TTL.plusMillis(1));

    assertThat(drain(async.get("k", key -> CompletableFuture.completedFuture("new")))).isEqualTo("old");
    awaitRefreshesEnded(cache, 1);

    assertThat(drain(async.get("k", key -> CompletableFuture.completedFuture("unused")))).isEqualTo("new");
    assertThat(cache.stats().staleRevalidateCount()).isEqualTo(1);
  }

  private Cache<String, String> revalidating(String base) {
    return build(newBuilder(name(base)).ttl(TTL).staleWhileRevalidate(Duration.ofSeconds(10)).executor(pool));
  }

  @Test
  void staleWhileRevalidate_500ConcurrentReadsAtExpiry_getOldValueWithoutWaiting_andOneLoad() throws Exception {
    Cache<String, String> cache = revalidating("swr");
    assertThat(cache.get("k", key -> "old")).isEqualTo("old");
    ticker.advance(TTL.plusMillis(1));
    CountDownLatch readsDone = new CountDownLatch(1);
    AtomicInteger loads = new AtomicInteger();
    Function<String, String> blockedLoader =
        key -> {
          loads.incrementAndGet();
          awaitLatch(readsDone); // returns only after every read has returned: no read can wait for it
          return "new";
        };

    List<Object> values = Concurrently.run(500, i -> cache.get("k", blockedLoader));
    readsDone.countDown();

    assertThat(values).hasSize(500).allMatch("old"::equals);
    await().atMost(Duration.ofSeconds(30)).until(() -> cache.stats().refreshSuccessCount() == 1);
    assertThat(loads).hasValue(1);
    assertThat(cache.get("k", blockedLoader)).isEqualTo("new");
    assertThat(cache.stats().staleRevalidateCount()).isBetween(1L, 500L);
    assertThat(loads).hasValue(1);
  }

  @Test
  void staleWhileRevalidate_pastTheWindow_readerLoads_andGetIfPresentNeverSeesStale() {
    Cache<String, String> cache =
        build(newBuilder(name("swr-past")).ttl(TTL).staleWhileRevalidate(Duration.ofSeconds(2)).executor(background));
    cache.get("k", key -> "old");
    ticker.advance(Duration.ofMillis(1_500));

    assertThat(cache.getIfPresent("k")).as("a read without a loader treats the expired entry as absent").isNull();
    assertThat(cache.get("k", key -> "new")).isEqualTo("old");
    assertThat(background.queued()).as("a refresh waits to run in the background").isPositive();
    settleRefreshes(cache);
    assertThat(cache.get("k", key -> "unused")).isEqualTo("new");

    ticker.advance(Duration.ofSeconds(4)); // past expiry and the 2 s window: nothing stale to serve
    assertThat(cache.get("k", key -> "newer")).isEqualTo("newer");
    assertThat(background.queued()).isZero();
  }

  @Test
  void staleWhileRevalidate_refreshOfATaggedGet_storesTheNewValueWithTheTags() {
    Cache<String, String> cache =
        build(newBuilder(name("swr-tags")).ttl(TTL).staleWhileRevalidate(Duration.ofSeconds(10)).executor(background));
    cache.get("k", Set.of("group"), key -> "old");
    ticker.advance(TTL.plusMillis(1));

    assertThat(cache.get("k", Set.of("group"), key -> "new")).isEqualTo("old");
    settleRefreshes(cache);
    assertThat(cache.get("k", key -> "unused")).isEqualTo("new");

    cache.invalidateTag("group");
    assertThat(cache.getIfPresent("k")).as("the refreshed entry carries the tag").isNull();
  }

  @Test
  void earlyRefresh_refreshOfATaggedGet_storesTheNewValueWithTheTags() {
    Cache<String, String> cache = earlyRefreshing("xfetch-tags", 1.0, 3);
    cache.get("k", Set.of("group"), key -> {
      ticker.advance(scaled(LOAD_TIME));
      return "v1";
    });
    // 1/1000 of the TTL before expiry, a hundredth of the load time: a refresh is due on any draw
    ticker.advance(scaled(Duration.ofMillis(999)));

    assertThat(cache.get("k", Set.of("group"), key -> "v2")).isEqualTo("v1");
    awaitRefreshesEnded(cache, 1);
    assertThat(cache.get("k", key -> "unused")).isEqualTo("v2");

    cache.invalidateTag("group");
    assertThat(cache.getIfPresent("k")).as("the refreshed entry carries the tag").isNull();
  }

  @Test
  void staleWhileRevalidate_invalidatedKey_isNeverServedStale() {
    Cache<String, String> cache = revalidating("swr-invalidated");
    cache.get("k", key -> "old");
    cache.put("t", "tagged-old", Set.of("group"));
    ticker.advance(TTL.plusMillis(1));

    cache.invalidate("k");
    cache.invalidateTag("group");

    assertThat(cache.get("k", key -> "fresh")).isEqualTo("fresh");
    assertThat(cache.get("t", key -> "tagged-fresh")).isEqualTo("tagged-fresh");
    assertThat(cache.stats().staleRevalidateCount()).isZero();
  }

  // ---- stale-if-error -----------------------------------------------------------------------

  private Cache<String, String> onError(String base) {
    return build(newBuilder(name(base)).ttl(TTL).staleIfError(Duration.ofSeconds(10)).executor(background));
  }

  private static String failingLoad(String key) {
    throw new IllegalStateException("database down for " + key);
  }

  @Test
  void staleIfError_loaderFails_oldValueServedAndCounted_pastTheBound_loadersException() {
    Cache<String, String> cache = onError("sie");
    cache.get("k", key -> "old");
    ticker.advance(Duration.ofSeconds(5));

    assertThat(cache.get("k", FreshnessContract::failingLoad)).isEqualTo("old");
    assertThat(cache.stats().staleErrorCount()).isEqualTo(1);
    assertThat(cache.stats().loadFailureCount()).isEqualTo(1);

    ticker.advance(Duration.ofSeconds(7)); // 12 s past expiry: past the 10 s bound
    assertThatThrownBy(() -> cache.get("k", FreshnessContract::failingLoad))
        .hasMessageContaining("database down for k");
    assertThat(cache.stats().staleErrorCount()).isEqualTo(1);
  }

  @Test
  void staleIfError_freshValueAfterRecovery_replacesTheOldOne() {
    Cache<String, String> cache = onError("sie-recovery");
    cache.get("k", key -> "old");
    ticker.advance(Duration.ofSeconds(2));
    assertThat(cache.get("k", FreshnessContract::failingLoad)).isEqualTo("old");

    assertThat(cache.get("k", key -> "new")).isEqualTo("new");
    assertThat(cache.get("k", FreshnessContract::failingLoad)).isEqualTo("new");
  }

  @Test
  void staleIfError_invalidatedKeyOrTag_isNeverServedStale() {
    Cache<String, String> cache = onError("sie-invalidated");
    cache.get("k", key -> "old");
    cache.put("t", "tagged-old", Set.of("group"));
    cache.get("all", key -> "old");
    ticker.advance(Duration.ofSeconds(2));

    cache.invalidate("k");
    cache.invalidateTag("group");

    assertThatThrownBy(() -> cache.get("k", FreshnessContract::failingLoad)).hasMessageContaining("database down");
    assertThatThrownBy(() -> cache.get("t", FreshnessContract::failingLoad)).hasMessageContaining("database down");
    assertThat(cache.get("all", FreshnessContract::failingLoad)).isEqualTo("old");
    cache.invalidateAll();
    assertThatThrownBy(() -> cache.get("all", FreshnessContract::failingLoad)).hasMessageContaining("database down");
    assertThat(cache.stats().staleErrorCount()).isEqualTo(1);
  }

  @Test
  void builder_freshnessWithoutTtl_throwsNamingTheOption() {
    assertThatThrownBy(() -> newBuilder(name("no-ttl")).staleWhileRevalidate(Duration.ofSeconds(1)).build())
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("ttl");
    assertThatThrownBy(() -> newBuilder(name("bad-beta")).earlyRefresh(-1))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("-1.0");
  }

  static void awaitLatch(CountDownLatch latch) {
    try {
      if (!latch.await(60, TimeUnit.SECONDS)) {
        throw new IllegalStateException("the test never released the loader");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
