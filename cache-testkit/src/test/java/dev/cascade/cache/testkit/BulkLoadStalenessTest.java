package dev.cascade.cache.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.cascade.cache.Cache;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Function;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A bulk load that looks at the in-process tier a second time (after the write-through it waited
 * for failed, or after it waited out a load that began before an invalidation) takes an entry past
 * its TTL for a miss, as its first look does: a cache that keeps such entries for stale-if-error
 * serves them only when a load fails, never as a bulk load's answer.
 */
class BulkLoadStalenessTest {
  private final FakeTicker ticker = new FakeTicker();
  private final Cache<String, String> cache =
      Cache.<String, String>builder("bulk-staleness")
          .inMemory(m -> m.maximumSize(100))
          .ttl(Duration.ofSeconds(1))
          .staleIfError(Duration.ofMinutes(1))
          .ticker(ticker)
          .build();
  private final ExecutorService callers = Executors.newFixedThreadPool(2);

  @AfterEach
  void close() {
    callers.shutdownNow();
    cache.close();
  }

  private static Function<Set<String>, Map<String, String>> loadingAs(String suffix) {
    return keys -> {
      Map<String, String> loaded = new HashMap<>();
      keys.forEach(key -> loaded.put(key, key + suffix));
      return loaded;
    };
  }

  @Test
  void getAll_afterAFailedWriteThroughOfAnExpiredKey_loadsIt() {
    cache.get("k", key -> "v1");
    ticker.advance(Duration.ofSeconds(2)); // past the TTL, within the stale-if-error bound
    CompletableFuture<Void> writer = new CompletableFuture<>();
    CompletableFuture<Void> write = cache.async().write("k", "v2", (key, value) -> writer);

    CompletableFuture<Map<String, String>> all =
        cache.async().getAll(List.of("k"), keys -> CompletableFuture.completedFuture(loadingAs("-loaded").apply(keys)));
    writer.completeExceptionally(new IllegalStateException("system of record refused"));

    assertThat(all.join()).isEqualTo(Map.of("k", "k-loaded"));
    assertThat(write).isCompletedExceptionally();
  }

  @Test
  void getAll_afterWaitingOutAStaleLoadOfAnExpiredKey_loadsIt() throws Exception {
    cache.get("k", key -> "v1");
    ticker.advance(Duration.ofSeconds(2));
    try (HeldLoad before = HeldLoad.start(cache, "k", "loaded-before")) {
      cache.invalidateTag("unrelated"); // the running load of k began before it: its value is not cached
      long waitsBefore = cache.stats().coalescedWaitCount();

      Future<Map<String, String>> all = callers.submit(() -> cache.getAll(List.of("k"), loadingAs("-loaded-after")));
      await().atMost(Duration.ofSeconds(60)).until(() -> all.isDone() || cache.stats().coalescedWaitCount() > waitsBefore);

      assertThat(before.result()).isEqualTo("loaded-before");
      assertThat(all.get()).isEqualTo(Map.of("k", "k-loaded-after"));
    }
  }
}
