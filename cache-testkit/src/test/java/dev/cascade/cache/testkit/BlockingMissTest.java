package dev.cascade.cache.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.cascade.cache.Cache;
import dev.cascade.cache.CacheBuilder;
import dev.cascade.cache.CacheStats;
import dev.cascade.cache.codec.StringCodec;
import dev.cascade.cache.memory.InMemoryRemoteStore;
import dev.cascade.cache.spi.RemoteStore;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/**
 * The blocking {@code get(key, loader)} of a cache with one remote tier, whose miss is led on the
 * caller's thread rather than through the asynchronous chain: what the chain guarantees still
 * holds there. The fill of the in-process tier, conditional on the flight; one flight per key,
 * joined by later callers; recursion detected; every flight settled, on a failure too.
 */
class BlockingMissTest {
  private final FakeTicker ticker = new FakeTicker();
  private final InMemoryRemoteStore backing = InMemoryRemoteStore.create(ticker);
  private final FlakyRemoteStore store = new FlakyRemoteStore(backing);
  private final Cache<String, String> layered =
      over("blocking-layered", store).inMemory(m -> m.maximumSize(100)).build();
  /** Writes what {@link #layered} reads, straight to the store: another instance of that cache. */
  private final Cache<String, String> otherInstance = over("blocking-layered", backing).build();
  private final Cache<String, String> remoteOnly = over("blocking-remote", store).build();

  private CacheBuilder<String, String> over(String name, RemoteStore tier) {
    return Cache.<String, String>builder(name).tier(tier).valueCodec(StringCodec.create()).ticker(ticker);
  }

  private static String failIfCalled(String key) {
    throw new AssertionError("the loader ran for " + key + ", which the remote tier holds");
  }

  @Test
  void remoteHit_fillsTheInProcessTier_andCountsOneHit() {
    otherInstance.put("k", "stored");
    long readsBefore = store.calls();

    assertThat(layered.get("k", BlockingMissTest::failIfCalled)).isEqualTo("stored");
    assertThat(layered.getIfPresent("k")).isEqualTo("stored");

    assertThat(store.calls() - readsBefore).as("store calls: the second read is the in-process tier's").isEqualTo(1);
    CacheStats stats = layered.stats();
    assertThat(stats.hitCount()).isEqualTo(2);
    assertThat(stats.missCount()).isZero();
    assertThat(layered.inspect().inFlightLoads()).isZero();
  }

  @Test
  void invalidationRacingTheRemoteRead_keepsTheReadValueOutOfTheInProcessTier() throws Exception {
    otherInstance.put("k", "old");
    CountDownLatch gate = new CountDownLatch(1);
    store.holdReads(gate);
    CompletableFuture<String> reader =
        CompletableFuture.supplyAsync(() -> layered.get("k", BlockingMissTest::failIfCalled));
    await().atMost(Duration.ofSeconds(10)).until(() -> store.heldReads() >= 1);

    layered.invalidate("k");
    gate.countDown();

    assertThat(reader.get(10, TimeUnit.SECONDS)).isEqualTo("old"); // read before the invalidation
    store.holdReads(null);
    assertThat(layered.getIfPresent("k")).isNull();
  }

  @Test
  void callerDuringALoad_joinsItsFlight_andTheLoaderRunsOnce() throws Exception {
    AtomicInteger loads = new AtomicInteger();
    CountDownLatch loading = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    CompletableFuture<String> first =
        getOnAnotherThread(
            loads,
            () -> {
              loading.countDown();
              Concurrently.await(release);
              return "loaded";
            });
    assertThat(loading.await(10, TimeUnit.SECONDS)).isTrue();
    CompletableFuture<String> second = getOnAnotherThread(loads, () -> "second loader");
    await().atMost(Duration.ofSeconds(10)).until(() -> remoteOnly.stats().coalescedWaitCount() == 1);

    release.countDown();

    assertThat(first.get(10, TimeUnit.SECONDS)).isEqualTo("loaded");
    assertThat(second.get(10, TimeUnit.SECONDS)).isEqualTo("loaded");
    assertThat(loads).hasValue(1);
    assertThat(remoteOnly.stats().missCount()).isEqualTo(2);
    assertThat(remoteOnly.inspect().inFlightLoads()).isZero();
  }

  @Test
  void loaderAskingForItsOwnKey_failsAsARecursiveLoad_andTheKeyLoadsAfterwards() {
    assertThatThrownBy(() -> remoteOnly.get("k", key -> remoteOnly.get(key, inner -> "inner")))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("recursive load")
        .hasMessageContaining("key k");

    assertThat(remoteOnly.inspect().inFlightLoads()).isZero();
    assertThat(remoteOnly.get("k", key -> "loaded")).isEqualTo("loaded");
  }

  @Test
  void storeDown_loadsOnTheCaller_countsTheTierError_andSettlesTheFlight() {
    store.down(true);

    assertThat(remoteOnly.get("k", key -> "loaded")).isEqualTo("loaded");

    CacheStats stats = remoteOnly.stats();
    assertThat(stats.tierErrorCount()).isPositive();
    assertThat(stats.missCount()).isEqualTo(1);
    assertThat(stats.loadSuccessCount()).isEqualTo(1);
    assertThat(remoteOnly.inspect().inFlightLoads()).isZero();
  }

  @Test
  void keyTheTierCannotEncode_throwsNamingIt_andLeavesNoFlight() {
    Cache<Object, String> objects =
        Cache.<Object, String>builder("blocking-objects")
            .tier(backing)
            .valueCodec(StringCodec.create())
            .ticker(ticker)
            .build();

    assertThatThrownBy(() -> objects.get(new Object(), key -> "loaded"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("no stable key form for java.lang.Object");
    assertThat(objects.inspect().inFlightLoads()).isZero();
  }

  /** {@code remoteOnly.get("k", loader)} on another thread, its loader counted in {@code loads}. */
  private CompletableFuture<String> getOnAnotherThread(AtomicInteger loads, Supplier<String> loader) {
    return CompletableFuture.supplyAsync(
        () ->
            remoteOnly.get(
                "k",
                key -> {
                  loads.incrementAndGet();
                  return loader.get();
                }));
  }
}
