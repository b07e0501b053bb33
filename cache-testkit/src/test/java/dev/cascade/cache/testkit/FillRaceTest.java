package dev.cascade.cache.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.cascade.cache.Cache;
import dev.cascade.cache.codec.StringCodec;
import dev.cascade.cache.memory.InMemoryRemoteStore;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The race that leaves Lettuce's client-side cache stale forever: a value read from L2 before an
 * invalidation is put into L1 after it. Here the delay between the L2 read and the L1 put is
 * injected, so the race happens every time, and the invalidation must win.
 */
class FillRaceTest {
  private final FakeTicker ticker = new FakeTicker();
  private final InMemoryRemoteStore backing = InMemoryRemoteStore.create(ticker);
  private final FlakyRemoteStore store = new FlakyRemoteStore(backing);
  private final Cache<String, String> cache =
      Cache.<String, String>builder("race")
          .inMemory(m -> m.maximumSize(100))
          .tier(store)
          .valueCodec(StringCodec.create())
          .ticker(ticker)
          .build();

  private void raceFillAgainst(Runnable invalidation) throws Exception {
    CountDownLatch gate = new CountDownLatch(1);
    store.holdReads(gate);
    CompletableFuture<String> fill = CompletableFuture.supplyAsync(() -> cache.getIfPresent("k"));
    await().atMost(Duration.ofSeconds(10)).until(() -> store.calls() >= 1); // the L2 read has happened

    invalidation.run();
    gate.countDown();

    assertThat(fill.get(10, TimeUnit.SECONDS)).isEqualTo("old"); // that caller read before the change
    store.holdReads(null);
  }

  @Test
  void invalidate_racingAFill_noStaleValueKeptInL1() throws Exception {
    backing.putNow("cascade:race:k", envelope("old"), null);

    raceFillAgainst(() -> cache.invalidate("k"));

    assertThat(cache.getIfPresent("k")).isNull();
  }

  @Test
  void put_racingAFill_theNewValueStays() throws Exception {
    backing.putNow("cascade:race:k", envelope("old"), null);

    raceFillAgainst(() -> cache.put("k", "new"));

    assertThat(cache.getIfPresent("k")).isEqualTo("new");
    store.down(true); // the L1 copy, not L2, answers
    assertThat(cache.getIfPresent("k")).isEqualTo("new");
  }

  @Test
  void invalidateAll_racingAFill_noStaleValueKeptInL1() throws Exception {
    backing.putNow("cascade:race:k", envelope("old"), null);

    raceFillAgainst(cache::invalidateAll);

    store.down(true);
    assertThat(cache.getIfPresent("k")).isNull();
  }

  /**
   * An in-process-only cache writes with one epoch move (no remote write to wait for): a load that
   * began before the put and publishes after it must still lose, as with Caffeine's own {@code
   * get(key, mappingFunction)} against {@code put}.
   */
  @Test
  void put_onAnInProcessOnlyCache_racingALoad_theNewValueStays() throws Exception {
    Cache<String, String> local = Cache.<String, String>builder("local-race").inMemory(m -> m.maximumSize(100)).build();
    CountDownLatch loading = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    CompletableFuture<String> load =
        CompletableFuture.supplyAsync(
            () ->
                local.get(
                    "k",
                    key -> {
                      loading.countDown();
                      Concurrently.await(release);
                      return "old";
                    }));
    assertThat(loading.await(10, TimeUnit.SECONDS)).isTrue();

    local.put("k", "new");
    release.countDown();

    assertThat(load.get(10, TimeUnit.SECONDS)).isEqualTo("old"); // the loader's caller gets what it loaded
    assertThat(local.getIfPresent("k")).isEqualTo("new");
    assertThat(local.stats().putCount()).isEqualTo(1);
  }

  @Test
  void put_onAnInProcessOnlyCache_racingABulkLoad_theNewValueStaysAndTheOtherKeysAreFilled() throws Exception {
    Cache<String, String> local = Cache.<String, String>builder("local-bulk-race").inMemory(m -> m.maximumSize(100)).build();
    CountDownLatch loading = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    CompletableFuture<Map<String, String>> load =
        CompletableFuture.supplyAsync(
            () ->
                local.getAll(
                    List.of("a", "b"),
                    keys -> {
                      loading.countDown();
                      Concurrently.await(release);
                      return Map.of("a", "old-a", "b", "old-b");
                    }));
    assertThat(loading.await(10, TimeUnit.SECONDS)).isTrue();

    local.put("a", "new-a");
    release.countDown();

    assertThat(load.get(10, TimeUnit.SECONDS)).isEqualTo(Map.of("a", "old-a", "b", "old-b"));
    assertThat(local.getIfPresent("a")).isEqualTo("new-a"); // the put superseded the bulk fill of "a"
    assertThat(local.getIfPresent("b")).isEqualTo("old-b"); // and only of "a"
  }

  private byte[] envelope(String value) {
    Cache<String, String> writer =
        Cache.<String, String>builder("race").tier(backing).valueCodec(StringCodec.create()).ticker(ticker).build();
    writer.put("k", value);
    return backing.getNow("cascade:race:k");
  }
}
