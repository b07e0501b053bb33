package dev.cascade.cache.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.cascade.cache.Cache;
import dev.cascade.cache.spi.RemoteStore;
import dev.cascade.cache.spi.Lease;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * The contract of a distributed stampede lock, seen through independent cache instances (stand-ins
 * for service instances) that share one remote tier and one lock: one loader for a thousand
 * concurrent misses, no late writer overwriting newer data, no release of another holder's lease.
 * It runs the bulk-load part too ({@link BulkStampedeContract}, which it extends).
 *
 * <p>A backend extends this class and supplies the hooks of {@link StampedeContractBase}: the
 * instances, the lock, the remote key of an entry and a way to let a lease lapse (advance a fake
 * clock, or wait for the server to expire it).
 */
public abstract class StampedeContract extends BulkStampedeContract {

  @Test
  void thousandCallersOnFourInstances_runOneLoader() {
    String name = name("hot");
    List<Cache<String, String>> instances = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      instances.add(newInstance(name, Duration.ofSeconds(60)));
    }
    AtomicInteger loads = new AtomicInteger();

    List<Object> results =
        Concurrently.run(
            1000,
            i ->
                instances
                    .get(i % 4)
                    .get(
                        "key",
                        key -> {
                          loads.incrementAndGet();
                          // Hold the lease until the three other instances wait for it and every
                          // caller of this instance waits on this load.
                          await()
                              .atMost(Duration.ofSeconds(60))
                              .until(
                                  () ->
                                      instances.stream().mapToLong(c -> c.stats().leaseWaitCount()).sum() == 3
                                          && instances.stream().mapToLong(c -> c.stats().coalescedWaitCount()).sum() == 996);
                          return "loaded";
                        }));

    assertThat(loads).hasValue(1);
    assertThat(results).hasSize(1000).allMatch("loaded"::equals);
  }

  @Test
  void holderStuckPastItsLease_lateWriteDoesNotReplaceNewerValue() throws Exception {
    String name = name("late");
    Duration lease = Duration.ofMillis(300);
    Cache<String, String> slow = newInstance(name, lease);
    // Only slow's lease is short: fast's must outlast its load and publish, which a 300 ms lease
    // need not (memcached keeps it as one whole second by its clock, so 0 to 1 s of real time).
    Cache<String, String> fast = newInstance(name, Duration.ofSeconds(60));
    CountDownLatch loading = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);

    CompletableFuture<String> slowCall = CompletableFuture.supplyAsync(() -> slow.get("k", key -> {
      loading.countDown();
      Concurrently.await(release);
      return "old";
    }));
    assertThat(loading.await(30, TimeUnit.SECONDS)).isTrue();
    awaitLeaseLapsed(remoteKey(name, "k"), lease);
    assertThat(fast.get("k", key -> "new")).isEqualTo("new");
    release.countDown();

    assertThat(slowCall.get(30, TimeUnit.SECONDS)).isEqualTo("old"); // its caller still gets its value
    assertThat(newInstance(name, Duration.ofSeconds(60)).getIfPresent("k")).isEqualTo("new");
    assertThat(slow.getIfPresent("k")).isEqualTo("new");
  }

  @Test
  void invalidationWhileLoading_revokesTheLease_soTheLoadIsNotPublished() throws Exception {
    String name = name("revoke");
    Cache<String, String> loader = newInstance(name, Duration.ofSeconds(60));
    Cache<String, String> other = newInstance(name, Duration.ofSeconds(60));
    CompletableFuture<String> call = loadHeldUntilReleased(loader, () -> other.invalidate("k"));

    assertThat(call.get(30, TimeUnit.SECONDS)).isEqualTo("read-before-update");
    assertThat(newInstance(name, Duration.ofSeconds(60)).getIfPresent("k")).isNull();
    assertThat(other.getIfPresent("k")).isNull();
  }

  /**
   * A holder's load that read the source before another instance's {@code invalidateTag}, and
   * publishes after the store evicted the tag record that invalidation wrote, is not served: the
   * eviction of tag bookkeeping invalidates, it never resurrects (DESIGN §5).
   */
  @Test
  void tagInvalidatedWhileLoading_thenItsRecordEvicted_theLoadIsNotServed() throws Exception {
    String name = name("tag-evicted");
    List<RemoteStore> shared = new ArrayList<>();
    Cache<String, String> loader =
        newInstance(name, Duration.ofSeconds(60), store -> {
          shared.add(store);
          return store;
        });
    Cache<String, String> other = newInstance(name, Duration.ofSeconds(60));
    other.put("member", "x", Duration.ofMinutes(5), "t"); // the tag's record exists before the load
    CountDownLatch loading = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);

    CompletableFuture<String> call = CompletableFuture.supplyAsync(() -> loader.get("k", Set.of("t"), key -> {
      loading.countDown();
      Concurrently.await(release);
      return "read-before-update";
    }));
    assertThat(loading.await(30, TimeUnit.SECONDS)).isTrue();
    other.invalidateTag("t");
    shared.get(0).delete(remoteKey(name, "#tag:t")).join(); // the server evicted the tag bookkeeping
    release.countDown();

    assertThat(call.get(30, TimeUnit.SECONDS)).isEqualTo("read-before-update");
    assertThat(newInstance(name, Duration.ofSeconds(60)).getIfPresent("k")).isNull();
    assertThat(other.getIfPresent("k")).isNull();
  }

  /**
   * A {@code putAll} of the key while another instance holds its lease wins over that holder's
   * later publish, as a {@code put} does: the holder read the row before it changed.
   */
  @Test
  void putAllWhileLoading_revokesTheLease_soTheLoadDoesNotOverwriteIt() throws Exception {
    String name = name("revoke-putall");
    Cache<String, String> loader = newInstance(name, Duration.ofSeconds(60));
    Cache<String, String> other = newInstance(name, Duration.ofSeconds(60));
    CompletableFuture<String> call = loadHeldUntilReleased(loader, () -> other.putAll(Map.of("k", "written")));

    assertThat(call.get(30, TimeUnit.SECONDS)).isEqualTo("read-before-update");
    assertThat(newInstance(name, Duration.ofSeconds(60)).getIfPresent("k")).isEqualTo("written");
  }

  /**
   * An {@code invalidateAll()} while another instance holds a key's lease keeps that holder's later
   * publish out, as an invalidation of the key does.
   */
  @Test
  void invalidateAllWhileLoading_keepsTheLoadFromBeingPublished() throws Exception {
    String name = name("revoke-all");
    Cache<String, String> loader = newInstance(name, Duration.ofSeconds(60));
    Cache<String, String> other = newInstance(name, Duration.ofSeconds(60));
    CompletableFuture<String> call = loadHeldUntilReleased(loader, other::invalidateAll);

    assertThat(call.get(30, TimeUnit.SECONDS)).isEqualTo("read-before-update");
    assertThat(newInstance(name, Duration.ofSeconds(60)).getIfPresent("k")).isNull();
  }

  @Test
  void leaseRevokedWhileOthersWait_aWaiterTakesItAndLoads_beforeItsDeadline() throws Exception {
    String name = name("takeover");
    Cache<String, String> holder = newInstance(name, Duration.ofSeconds(60));
    Cache<String, String> waiter = newInstance(name, Duration.ofSeconds(60)); // waits up to 60 s
    Cache<String, String> other = newInstance(name, Duration.ofSeconds(60));
    CountDownLatch loading = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    AtomicInteger waiterLoads = new AtomicInteger();
    try {
      CompletableFuture<String> holderCall = CompletableFuture.supplyAsync(() -> holder.get("k", key -> {
        loading.countDown();
        Concurrently.await(release);
        return "read-before-update";
      }));
      assertThat(loading.await(30, TimeUnit.SECONDS)).isTrue();
      CompletableFuture<String> waiterCall = CompletableFuture.supplyAsync(() -> waiter.get("k", key -> {
        waiterLoads.incrementAndGet();
        return "read-after-update";
      }));
      await().atMost(Duration.ofSeconds(30)).until(() -> waiter.stats().leaseWaitCount() == 1);

      other.invalidate("k"); // the row changed: the holder's load is doomed, and its lease is gone

      // Long before the waiter's 60 s deadline: it took the freed lease and loaded the new data.
      assertThat(waiterCall.get(30, TimeUnit.SECONDS)).isEqualTo("read-after-update");
      assertThat(waiterLoads).hasValue(1);
      release.countDown();
      assertThat(holderCall.get(30, TimeUnit.SECONDS)).isEqualTo("read-before-update");
      assertThat(newInstance(name, Duration.ofSeconds(60)).getIfPresent("k")).isEqualTo("read-after-update");
    } finally {
      release.countDown();
    }
  }

  @Test
  void staleEntryReadBeforeAnotherInstancesLease_isNotDeletedOverThatLease_soOneInstanceLoads() throws Exception {
    // The race the randomized fault run found: b reads a tag-invalidated entry; a then drops it and
    // takes the lease (a marker under the key, on Redis and memcached); b's late drop of the entry it
    // read must not delete a's marker, or b takes a lease too and both load.
    String name = name("stale-drop");
    Cache<String, String> a = newInstance(name, Duration.ofSeconds(60));
    FlakyRemoteStore[] bStore = new FlakyRemoteStore[1];
    Cache<String, String> b = newInstance(name, Duration.ofSeconds(60), store -> bStore[0] = new FlakyRemoteStore(store));
    a.put("k", "old", Duration.ofMinutes(5), "t");
    a.invalidateTag("t");
    AtomicInteger loads = new AtomicInteger();
    CountDownLatch bRead = new CountDownLatch(1);
    CountDownLatch aLoading = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    try {
      bStore[0].holdReads(bRead);
      long callsBefore = bStore[0].calls();
      CompletableFuture<String> bCall = CompletableFuture.supplyAsync(() -> b.get("k", key -> {
        loads.incrementAndGet();
        return "b-loaded";
      }));
      await().atMost(Duration.ofSeconds(30)).until(() -> bStore[0].calls() > callsBefore); // b has read the old entry
      CompletableFuture<String> aCall = CompletableFuture.supplyAsync(() -> a.get("k", key -> {
        loads.incrementAndGet();
        aLoading.countDown();
        Concurrently.await(release);
        return "a-loaded";
      }));
      assertThat(aLoading.await(30, TimeUnit.SECONDS)).as("a dropped the old entry and holds the lease").isTrue();

      bRead.countDown(); // b now sees the old entry, finds its tag invalidated, and drops it: if unchanged
      await().atMost(Duration.ofSeconds(30)).until(() -> b.stats().leaseWaitCount() == 1 || loads.get() > 1);
      release.countDown();

      assertThat(aCall.get(30, TimeUnit.SECONDS)).isEqualTo("a-loaded");
      assertThat(bCall.get(30, TimeUnit.SECONDS)).isEqualTo("a-loaded");
      assertThat(loads).as("loads across the two instances").hasValue(1);
    } finally {
      bRead.countDown();
      release.countDown();
    }
  }

  @Test
  void release_neverDeletesAnotherHoldersLease() {
    String key = remoteKey(name("lease"), "k");
    Duration shortLease = Duration.ofMillis(200);
    Lease first = lock().tryAcquire(key, shortLease).join();
    assertThat(first).isNotNull();
    awaitLeaseLapsed(key, shortLease);
    Lease second = lock().tryAcquire(key, Duration.ofSeconds(60)).join();
    assertThat(second).isNotNull();

    lock().release(first).join(); // the lapsed holder releases late

    assertThat(lock().tryAcquire(key, Duration.ofSeconds(60)).join()).isNull();
    assertThat(lock().publish(first, "stale".getBytes(StandardCharsets.UTF_8), null).join()).isFalse();
    assertThat(lock().publish(second, "fresh".getBytes(StandardCharsets.UTF_8), Duration.ofSeconds(60)).join()).isTrue();
  }
}
