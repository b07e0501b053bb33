package dev.cascade.cache.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.cascade.cache.Cache;
import dev.cascade.cache.Stampede;
import dev.cascade.cache.codec.StringCodec;
import dev.cascade.cache.memory.InMemoryRemoteStore;
import dev.cascade.cache.memory.InMemoryStampedeLock;
import dev.cascade.cache.spi.Lease;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** The distributed lease, with four independent caches standing in for four service instances. */
class DistributedStampedeTest {
  private final FakeTicker ticker = new FakeTicker();
  private final InMemoryRemoteStore store = InMemoryRemoteStore.create(ticker);
  private final InMemoryStampedeLock lock = InMemoryStampedeLock.create(store, ticker);

  private Cache<String, String> instance() {
    return Cache.<String, String>builder("products")
        .inMemory(m -> m.maximumSize(1_000))
        .tier(store)
        .valueCodec(StringCodec.create())
        .ticker(ticker)
        .stampede(Stampede.distributed(lock).maxWait(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(5)))
        .build();
  }

  @Test
  void thousandCallersOnFourInstances_runOneLoader() {
    List<Cache<String, String>> instances = List.of(instance(), instance(), instance(), instance());
    AtomicInteger loads = new AtomicInteger();
    CountDownLatch everyoneAsked = new CountDownLatch(1);

    List<Object> results =
        Concurrently.run(
            1000,
            i ->
                instances
                    .get(i % 4)
                    .get(
                        "hot",
                        key -> {
                          loads.incrementAndGet();
                          // Hold the lease until the three other instances are waiting for it and
                          // every caller of this instance waits on this load.
                          await()
                              .atMost(Duration.ofSeconds(60))
                              .until(
                                  () ->
                                      instances.stream().mapToLong(c -> c.stats().leaseWaitCount()).sum() == 3
                                          && instances.stream().mapToLong(c -> c.stats().coalescedWaitCount()).sum()
                                              == 996);
                          everyoneAsked.countDown();
                          return "loaded";
                        }));

    assertThat(everyoneAsked.getCount()).isZero();
    assertThat(loads).hasValue(1);
    assertThat(results).hasSize(1000).allMatch("loaded"::equals);
  }

  @Test
  void lateWriter_whoseLeaseLapsedAndWasRetaken_doesNotOverwriteNewerValue() throws Exception {
    Cache<String, String> slow = instance();
    Cache<String, String> fast = instance();
    CountDownLatch slowLoading = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);

    CompletableFuture<String> slowCall =
        CompletableFuture.supplyAsync(
            () ->
                slow.get(
                    "k",
                    key -> {
                      slowLoading.countDown();
                      awaitLatch(release);
                      return "old";
                    }));
    assertThat(slowLoading.await(30, TimeUnit.SECONDS)).isTrue();

    ticker.advance(Duration.ofSeconds(11)); // the slow holder's 10 s lease lapses
    fast.put("k", "new"); // a newer write lands
    release.countDown();

    assertThat(slowCall.get(30, TimeUnit.SECONDS)).isEqualTo("old"); // its caller still gets its value
    assertThat(fast.getIfPresent("k")).isEqualTo("new");
    assertThat(instance().getIfPresent("k")).isEqualTo("new");
    assertThat(slow.getIfPresent("k")).isEqualTo("new");
  }

  @Test
  void invalidationDuringLoad_revokesLease_soTheLoadIsNotPublished() throws Exception {
    Cache<String, String> loader = instance();
    Cache<String, String> other = instance();
    CountDownLatch loading = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);

    CompletableFuture<String> call =
        CompletableFuture.supplyAsync(
            () ->
                loader.get(
                    "k",
                    key -> {
                      loading.countDown();
                      awaitLatch(release);
                      return "read-before-update";
                    }));
    assertThat(loading.await(30, TimeUnit.SECONDS)).isTrue();
    other.invalidate("k"); // the row changed: the load in flight read old data
    release.countDown();

    assertThat(call.get(30, TimeUnit.SECONDS)).isEqualTo("read-before-update");
    assertThat(store.keys()).isEmpty();
    assertThat(other.getIfPresent("k")).isNull();
  }

  @Test
  void release_neverDeletesAnotherHoldersLease() {
    Lease first = lock.tryAcquire("key", Duration.ofSeconds(10)).join();
    assertThat(first).isNotNull();
    ticker.advance(Duration.ofSeconds(11));
    Lease second = lock.tryAcquire("key", Duration.ofSeconds(10)).join();
    assertThat(second).isNotNull();

    lock.release(first).join(); // the lapsed holder releases late

    assertThat(lock.tryAcquire("key", Duration.ofSeconds(10)).join()).isNull();
    assertThat(lock.publish(first, new byte[] {1}, null).join()).isFalse();
    assertThat(lock.publish(second, new byte[] {2}, null).join()).isTrue();
  }

  @Test
  void waiterPastMaxWait_loadsItself() {
    Cache<String, String> waiter =
        Cache.<String, String>builder("products")
            .tier(store)
            .valueCodec(StringCodec.create())
            .ticker(ticker)
            .stampede(Stampede.distributed(lock).maxWait(Duration.ofMillis(50)).pollInterval(Duration.ofMillis(10)))
            .build();
    Lease stuck = lock.tryAcquire("cascade:products:k", Duration.ofSeconds(10)).join();
    assertThat(stuck).isNotNull();

    assertThat(waiter.get("k", key -> "self-loaded")).isEqualTo("self-loaded");
    assertThat(waiter.stats().leaseWaitCount()).isEqualTo(1);
    assertThat(new ArrayList<>(store.keys())).containsExactly("cascade:products:k");
  }

  private static void awaitLatch(CountDownLatch latch) {
    try {
      if (!latch.await(30, TimeUnit.SECONDS)) {
        throw new AssertionError("latch not released");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }
}
