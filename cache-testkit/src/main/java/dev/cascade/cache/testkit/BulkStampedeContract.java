package dev.cascade.cache.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.cascade.cache.Cache;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;

/**
 * The part of the stampede contract about bulk loads: a {@code getAll} that loads takes the lease of
 * each key it loads and publishes each under its own, so a write or invalidation of a key meanwhile,
 * on any instance, keeps the load's value of that key out of the shared tier; a key another
 * instance holds the lease of is left to that holder; every lease taken is given back. Run through
 * {@link StampedeContract}, which extends it.
 */
public abstract class BulkStampedeContract extends StampedeContractBase {

  /**
   * A bulk load ({@code getAll}) takes the lease of each key it loads, as a single load does: an
   * invalidation of a key while the bulk loader runs keeps its value out of the shared tier.
   */
  @Test
  void invalidationWhileBulkLoading_keepsThatKeyFromBeingPublished() throws Exception {
    String name = name("bulk-revoke");
    Cache<String, String> loader = newInstance(name, Duration.ofSeconds(60));
    Cache<String, String> other = newInstance(name, Duration.ofSeconds(60));
    CompletableFuture<Map<String, String>> call = bulkLoadHeldUntilReleased(loader, () -> other.invalidate("k"));

    assertThat(call.get(30, TimeUnit.SECONDS)).containsExactlyInAnyOrderEntriesOf(Map.of("k", "k-read-before-update", "j", "j-read"));
    Cache<String, String> fresh = newInstance(name, Duration.ofSeconds(60));
    assertThat(fresh.getIfPresent("k")).isNull();
    assertThat(fresh.getIfPresent("j")).as("the key no one changed is published").isEqualTo("j-read");
  }

  /** A {@code put} of a key while a bulk load of it runs wins over the bulk load's later publish. */
  @Test
  void putWhileBulkLoading_doesNotGetOverwrittenByTheBulkLoad() throws Exception {
    String name = name("bulk-put");
    Cache<String, String> loader = newInstance(name, Duration.ofSeconds(60));
    Cache<String, String> other = newInstance(name, Duration.ofSeconds(60));
    CompletableFuture<Map<String, String>> call = bulkLoadHeldUntilReleased(loader, () -> other.put("k", "written"));

    assertThat(call.get(30, TimeUnit.SECONDS)).containsEntry("k", "k-read-before-update");
    assertThat(newInstance(name, Duration.ofSeconds(60)).getIfPresent("k")).isEqualTo("written");
  }

  /** An {@code invalidateAll()} while a bulk load runs keeps every key of that load out of the shared tier. */
  @Test
  void invalidateAllWhileBulkLoading_keepsTheLoadFromBeingPublished() throws Exception {
    String name = name("bulk-all");
    Cache<String, String> loader = newInstance(name, Duration.ofSeconds(60));
    Cache<String, String> other = newInstance(name, Duration.ofSeconds(60));
    CompletableFuture<Map<String, String>> call = bulkLoadHeldUntilReleased(loader, other::invalidateAll);

    assertThat(call.get(30, TimeUnit.SECONDS)).hasSize(2);
    Cache<String, String> fresh = newInstance(name, Duration.ofSeconds(60));
    assertThat(fresh.getIfPresent("k")).isNull();
    assertThat(fresh.getIfPresent("j")).isNull();
  }

  /**
   * A bulk load of a key whose lease another instance's load holds still gives its caller a value,
   * but does not write it over that lease: the holder's publish is the one kept.
   */
  @Test
  void bulkLoadOfAKeyAnotherInstanceIsLoading_leavesThatKeyToTheLeaseHolder() throws Exception {
    String name = name("bulk-held");
    Cache<String, String> holder = newInstance(name, Duration.ofSeconds(60));
    Cache<String, String> bulk = newInstance(name, Duration.ofSeconds(60));
    CountDownLatch loading = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    try {
      CompletableFuture<String> holderCall = CompletableFuture.supplyAsync(() -> holder.get("k", key -> {
        loading.countDown();
        Concurrently.await(release);
        return "holder-read";
      }));
      assertThat(loading.await(30, TimeUnit.SECONDS)).isTrue();

      Map<String, String> found = bulk.getAll(List.of("k", "j"), keys -> {
        Map<String, String> read = new HashMap<>();
        keys.forEach(key -> read.put(key, key + "-bulk-read"));
        return read;
      });

      assertThat(found).containsExactlyInAnyOrderEntriesOf(Map.of("k", "k-bulk-read", "j", "j-bulk-read"));
      Cache<String, String> fresh = newInstance(name, Duration.ofSeconds(60));
      assertThat(fresh.getIfPresent("k")).as("the holder's lease is still in place").isNull();
      assertThat(fresh.getIfPresent("j")).isEqualTo("j-bulk-read");
      release.countDown();
      assertThat(holderCall.get(30, TimeUnit.SECONDS)).isEqualTo("holder-read");
      assertThat(fresh.getIfPresent("k")).isEqualTo("holder-read");
    } finally {
      release.countDown();
    }
  }

  /**
   * A bulk load gives back the leases it took for keys it does not publish (here: a key the bulk
   * loader did not return), so another instance's load of such a key does not wait for them.
   */
  @Test
  void bulkLoadOfAKeyItDoesNotReturn_releasesThatKeysLease() throws Exception {
    String name = name("bulk-release");
    Cache<String, String> bulk = newInstance(name, Duration.ofSeconds(60));
    Cache<String, String> other = newInstance(name, Duration.ofSeconds(60)); // would wait up to 60 s

    assertThat(bulk.getAll(List.of("k", "j"), keys -> Map.of("k", "k-read"))).isEqualTo(Map.of("k", "k-read"));

    CompletableFuture<String> load = CompletableFuture.supplyAsync(() -> other.get("j", key -> "j-read"));
    assertThat(load.get(30, TimeUnit.SECONDS)).isEqualTo("j-read");
    assertThat(other.stats().leaseWaitCount()).as("waits for a lease the bulk load left behind").isZero();
  }

  /**
   * A blocking {@code getAll}'s bulk loader runs on the calling thread, as without a lock: not on
   * the thread that completed the leases (a client library's I/O thread, for a remote lock).
   */
  @Test
  void bulkLoaderOfABlockingGetAll_runsOnTheCallingThread_afterTheLeases() {
    Cache<String, String> bulk = newInstance(name("bulk-thread"), Duration.ofSeconds(60));
    List<Thread> loaderThreads = new ArrayList<>();

    Map<String, String> found = bulk.getAll(List.of("k", "j"), keys -> {
      loaderThreads.add(Thread.currentThread());
      return Map.of("k", "k-read", "j", "j-read");
    });

    assertThat(found).hasSize(2);
    assertThat(loaderThreads).containsExactly(Thread.currentThread());
  }

  /**
   * For a backend whose lock grants leases over values (Redis, Memcached): in a cache that keeps
   * entries past their TTL for stale serving, a bulk load of a key that holds such an entry gets the
   * lease over it (the plain lease is refused: the key holds a value), and its value replaces the
   * stale one for every instance. {@code staleServingInstance} returns a new instance of the named
   * cache built by {@link #staleServing}; {@code storeHolds} tells whether the shared store holds a
   * remote key. Waits, in real time, for an entry's 200 ms TTL to pass.
   */
  protected final void assertBulkLoadReplacesAnEntryKeptForStaleServing(
      Function<String, Cache<String, String>> staleServingInstance, Predicate<String> storeHolds) {
    String name = name("bulk-over-stale");
    Cache<String, String> loader = staleServingInstance.apply(name);
    loader.put("k", "old", Duration.ofMillis(200));
    long putAt = System.currentTimeMillis();
    await().atMost(Duration.ofSeconds(10)).until(() -> System.currentTimeMillis() > putAt + 400); // past its TTL
    assertThat(storeHolds.test(remoteKey(name, "k"))).as("kept for stale serving").isTrue();

    assertThat(loader.getAll(List.of("k"), keys -> Map.of("k", "new"))).isEqualTo(Map.of("k", "new"));

    assertThat(staleServingInstance.apply(name).getIfPresent("k")).isEqualTo("new");
  }

  /**
   * Starts {@code loader.getAll(["k", "j"], …)} on another thread with a bulk loader that returns
   * {@code "k-read-before-update"} and {@code "j-read"} only after {@code meanwhile} ran (while the
   * load holds the keys' leases).
   */
  private static CompletableFuture<Map<String, String>> bulkLoadHeldUntilReleased(
      Cache<String, String> loader, Runnable meanwhile) throws InterruptedException {
    return heldUntilReleased(
        hold ->
            loader.getAll(
                List.of("k", "j"),
                keys -> {
                  hold.run();
                  return Map.of("k", "k-read-before-update", "j", "j-read");
                }),
        meanwhile);
  }
}
