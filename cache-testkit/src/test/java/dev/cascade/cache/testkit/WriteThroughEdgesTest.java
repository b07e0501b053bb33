package dev.cascade.cache.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cascade.cache.Cache;
import dev.cascade.cache.CacheStats;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The corners of write-through and close that a review found: recursion, exact counts, late loads. */
@Timeout(60) // the recursion case hung before its fix: fail rather than hang
class WriteThroughEdgesTest {

  private static Cache<String, String> cache(String name) {
    return Cache.<String, String>builder(name).inMemory(m -> m.maximumSize(100)).nullTtl(Duration.ofMinutes(1)).build();
  }

  @Test
  void blockingWriterAskingGetAllForItsKey_throws_andTheKeyIsFreeAfterwards() {
    Cache<String, String> cache = cache("recursive-getall");

    assertThatThrownBy(() -> cache.write("k", "v", (key, value) -> cache.getAll(List.of(key), keys -> Map.of())))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("recursive load");

    assertThat(cache.inspect().inFlightLoads()).isZero();
    assertThat(cache.get("k", key -> "fresh")).isEqualTo("fresh");
  }

  @Test
  void readerThatWaitedForADelete_countsOneMissAndOneWait_thenLoads() throws Exception {
    Cache<String, String> cache = cache("delete-counts");
    BlockedDelete delete = BlockedDelete.of(cache, "k");
    CompletableFuture<String> reader = CompletableFuture.supplyAsync(() -> cache.get("k", key -> "loaded"));
    org.awaitility.Awaitility.await().until(() -> cache.stats().coalescedWaitCount() == 1);

    delete.finish();

    assertThat(reader.get(10, TimeUnit.SECONDS)).isEqualTo("loaded");
    CacheStats stats = cache.stats();
    assertThat(stats.requestCount()).isEqualTo(1);
    assertThat(stats.missCount()).isEqualTo(1);
    assertThat(stats.loadSuccessCount()).isEqualTo(1);
  }

  @Test
  void readerOfGetAllThatWaitedForADelete_countsItsKeyOnce() throws Exception {
    Cache<String, String> cache = cache("delete-counts-bulk");
    BlockedDelete delete = BlockedDelete.of(cache, "k");
    CompletableFuture<Map<String, String>> reader =
        CompletableFuture.supplyAsync(() -> cache.getAll(List.of("k"), keys -> Map.of("k", "loaded")));
    org.awaitility.Awaitility.await().until(() -> cache.stats().coalescedWaitCount() == 1);

    delete.finish();

    assertThat(reader.get(10, TimeUnit.SECONDS)).containsEntry("k", "loaded");
    assertThat(cache.stats().requestCount()).isEqualTo(1);
    assertThat(cache.inspect().localLookups().misses()).isEqualTo(1);
  }

  /** A write-through delete of one key whose deleter waits, holding the key, until {@link #finish}. */
  private record BlockedDelete(CountDownLatch release, CompletableFuture<Void> done) {
    static BlockedDelete of(Cache<String, String> cache, String key) throws InterruptedException {
      CountDownLatch deleting = new CountDownLatch(1);
      CountDownLatch release = new CountDownLatch(1);
      CompletableFuture<Void> done =
          CompletableFuture.runAsync(
              () ->
                  cache.delete(
                      key,
                      k -> {
                        deleting.countDown();
                        release.await(10, TimeUnit.SECONDS);
                      }));
      assertThat(deleting.await(10, TimeUnit.SECONDS)).isTrue();
      return new BlockedDelete(release, done);
    }

    void finish() throws Exception {
      release.countDown();
      done.get(10, TimeUnit.SECONDS);
    }
  }

  @Test
  void close_whileALoadRuns_theLoadDoesNotRefillTheClosedCache() throws Exception {
    Cache<String, String> cache = cache("close-during-load");
    CountDownLatch loading = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    CompletableFuture<String> load =
        CompletableFuture.supplyAsync(
            () ->
                cache.get(
                    "k",
                    key -> {
                      loading.countDown();
                      try {
                        release.await(10, TimeUnit.SECONDS);
                      } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                      }
                      return "late";
                    }));
    assertThat(loading.await(10, TimeUnit.SECONDS)).isTrue();

    cache.close();
    release.countDown();

    assertThat(load.get(10, TimeUnit.SECONDS)).isEqualTo("late"); // the caller still gets its value
    assertThat(cache.inspect().localSizeExact()).isZero();
  }
}
