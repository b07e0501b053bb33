package dev.cascade.cache.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.cascade.cache.Cache;
import dev.cascade.cache.Stampede;
import dev.cascade.cache.codec.StringCodec;
import dev.cascade.cache.memory.InMemoryRemoteStore;
import dev.cascade.cache.memory.InMemoryStampedeLock;
import dev.cascade.cache.spi.Lease;
import dev.cascade.cache.spi.RemoteStore;
import dev.cascade.cache.spi.StampedeLock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;

/** The stampede contract on the in-memory store and lock, plus the waiter that gives up. */
class DistributedStampedeTest extends StampedeContract {
  private final FakeTicker ticker = new FakeTicker();
  private final InMemoryRemoteStore store = InMemoryRemoteStore.create(ticker);
  private final InMemoryStampedeLock lock = InMemoryStampedeLock.create(store, ticker);

  @Override
  protected Cache<String, String> newInstance(String name, Duration leaseTime, UnaryOperator<RemoteStore> wrap) {
    return instanceBuilder(name, wrap.apply(store), lock, leaseTime).ticker(ticker).build();
  }

  @Override
  protected StampedeLock lock() {
    return lock;
  }

  @Override
  protected void awaitLeaseLapsed(String remoteKey, Duration leaseTime) {
    ticker.advance(leaseTime.plusSeconds(1));
  }

  /** Another cache's {@code invalidateAll()} on the shared store does not keep a holder's load out. */
  @Test
  void otherCachesInvalidateAllWhileLoading_doesNotKeepTheLoadFromBeingPublished() throws Exception {
    Cache<String, String> loader = newInstance("orders", Duration.ofSeconds(60));
    Cache<String, String> other = newInstance("invoices", Duration.ofSeconds(60));
    CompletableFuture<String> call = loadHeldUntilReleased(loader, other::invalidateAll);

    assertThat(call.get(30, java.util.concurrent.TimeUnit.SECONDS)).isEqualTo("read-before-update");
    assertThat(store.keys()).as("published for other instances").contains("cascade:orders:k");
  }

  /**
   * A bulk load whose leases cannot be asked for (the lock fails) still answers its caller, and
   * keeps what it loaded in-process only: unguarded, it must not write to the shared store.
   */
  @Test
  void bulkLoadWhoseLockFails_answersAndKeepsItsValuesInProcessOnly() {
    StampedeLock failing =
        new StampedeLock() {
          @Override
          public CompletableFuture<Lease> tryAcquire(String key, Duration leaseTime) {
            return CompletableFuture.failedFuture(new IllegalStateException("the lock server is down"));
          }

          @Override
          public CompletableFuture<Boolean> publish(Lease lease, byte[] value, Duration ttl) {
            return lock.publish(lease, value, ttl);
          }

          @Override
          public CompletableFuture<Void> release(Lease lease) {
            return lock.release(lease);
          }

          @Override
          public CompletableFuture<Void> revoke(String key) {
            return lock.revoke(key);
          }
        };
    Cache<String, String> bulk = instanceBuilder("lock-down", store, failing, Duration.ofSeconds(60)).ticker(ticker).build();

    Map<String, String> found = bulk.getAll(List.of("k", "j"), keys -> Map.of("k", "k-read", "j", "j-read"));

    assertThat(found).isEqualTo(Map.of("k", "k-read", "j", "j-read"));
    assertThat(store.keys()).as("written to the shared store").noneMatch(key -> key.startsWith("cascade:lock-down:"));
    assertThat(bulk.getIfPresent("k")).as("kept in-process").isEqualTo("k-read");
    assertThat(bulk.stats().tierErrorCount()).as("the failed lease requests").isEqualTo(2);
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
    assertThat(store.keys()).containsExactly("cascade:products:k");
  }

  /**
   * A waiter's poll reads no value, then the holder publishes and releases, then the waiter takes
   * the released lease: it must answer the holder's value, not load a second time (the poll's read
   * and its lease attempt are two steps; before the re-read, this was a second load).
   */
  @Test
  void holderFinishingBetweenAWaitersPollAndItsLeaseAttempt_givesTheWaiterItsValue() throws Exception {
    FlakyRemoteStore[] waiterStore = new FlakyRemoteStore[1];
    Cache<String, String> holder = newInstance("race", Duration.ofSeconds(60));
    Cache<String, String> waiter =
        newInstance("race", Duration.ofSeconds(60), store -> waiterStore[0] = new FlakyRemoteStore(store));
    CountDownLatch loading = new CountDownLatch(1);
    CountDownLatch finish = new CountDownLatch(1);
    AtomicInteger loads = new AtomicInteger();
    CompletableFuture<String> holderCall =
        CompletableFuture.supplyAsync(
            () ->
                holder.get(
                    "k",
                    key -> {
                      loads.incrementAndGet();
                      loading.countDown();
                      try {
                        finish.await();
                      } catch (InterruptedException e) {
                        throw new IllegalStateException(e);
                      }
                      return "from-holder";
                    }));
    loading.await();

    // The waiter's first read (the miss's) passes; its first poll reads at once and is held.
    CountDownLatch gate = new CountDownLatch(1);
    waiterStore[0].holdReadsAfter(1, gate);
    CompletableFuture<String> waiterCall =
        CompletableFuture.supplyAsync(
            () ->
                waiter.get(
                    "k",
                    key -> {
                      loads.incrementAndGet();
                      return "from-waiter";
                    }));
    await().until(() -> waiter.stats().leaseWaitCount() == 1 && waiterStore[0].heldReads() == 1);

    finish.countDown(); // the holder publishes, then releases its lease
    assertThat(holderCall.join()).isEqualTo("from-holder");
    gate.countDown(); // the poll answers "no value"; the waiter then takes the released lease

    assertThat(waiterCall.join()).isEqualTo("from-holder");
    assertThat(loads).hasValue(1);
    Lease after = lock.tryAcquire(remoteKey("race", "k"), Duration.ofSeconds(1)).join();
    assertThat(after).as("the waiter gave the lease back").isNotNull();
  }
}
