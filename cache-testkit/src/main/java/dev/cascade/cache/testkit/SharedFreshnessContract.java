package dev.cascade.cache.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.cascade.cache.Cache;
import dev.cascade.cache.CacheBuilder;
import dev.cascade.cache.Stampede;
import dev.cascade.cache.spi.StampedeLock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The freshness contract across instances (stand-ins for service instances) that share a remote
 * tier and a distributed stampede lock: stale-while-revalidate refreshes an expired key once across
 * all of them. A backend runs it by extending this class and giving the shared parts; {@link
 * #newBuilder} gives each instance its tiers over them, with {@link #ticker}.
 */
public abstract class SharedFreshnessContract extends FreshnessContract {
  private final ExecutorService refreshPool = Executors.newFixedThreadPool(6);

  /** Returns the lock the instances share, on the remote tier {@link #newBuilder} gives them. */
  protected abstract StampedeLock lock();

  @AfterEach
  final void stopRefreshPool() {
    refreshPool.shutdownNow();
  }

  private Cache<String, String> instance(String name) {
    CacheBuilder<String, String> builder =
        newBuilder(name)
            .ttl(Duration.ofSeconds(1))
            .staleWhileRevalidate(Duration.ofSeconds(20))
            .executor(refreshPool)
            .stampede(
                Stampede.distributed(lock())
                    .leaseTime(Duration.ofSeconds(30))
                    .maxWait(Duration.ofSeconds(60))
                    .pollInterval(Duration.ofMillis(10)));
    return build(builder);
  }

  @Test
  void staleWhileRevalidate_threeInstances500ReadsAtExpiry_getOldValue_andOneLoadAcrossThem() {
    String name = name("swr-shared");
    List<Cache<String, String>> instances = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      instances.add(instance(name));
    }
    assertThat(instances.get(0).get("k", key -> "old")).isEqualTo("old");
    for (Cache<String, String> instance : instances) {
      assertThat(instance.get("k", key -> "not-loaded")).isEqualTo("old");
    }
    ticker.advance(Duration.ofMillis(1_001));
    CountDownLatch readsDone = new CountDownLatch(1);
    AtomicInteger loads = new AtomicInteger();
    Function<String, String> blockedLoader =
        key -> {
          loads.incrementAndGet();
          awaitLatch(readsDone);
          return "new";
        };

    List<Object> values = Concurrently.run(500, i -> instances.get(i % 3).get("k", blockedLoader));
    readsDone.countDown();

    assertThat(values).hasSize(500).allMatch("old"::equals);
    await()
        .atMost(Duration.ofSeconds(60))
        .until(() -> instances.stream().allMatch(c -> "new".equals(c.getIfPresent("k"))));
    assertThat(loads).as("loads across the three instances").hasValue(1);
    assertThat(instances.stream().mapToLong(c -> c.stats().refreshSuccessCount()).sum())
        .as("refreshes that loaded or got the holder's value")
        .isBetween(1L, 3L);
    for (Cache<String, String> instance : instances) {
      assertThat(instance.get("k", blockedLoader)).isEqualTo("new");
    }
    assertThat(loads).hasValue(1);
  }

  /**
   * Early refresh without a stale bound: the key still holds its (fresh) value when the instances'
   * refreshes ask for the lease, which one of them gets over that value; the others wait for its
   * result instead of loading.
   */
  @Test
  void earlyRefresh_threeInstancesRefreshAtOnce_oneLoadAcrossThem() {
    String name = name("xfetch-shared");
    List<Cache<String, String>> instances = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      instances.add(
          build(
              newBuilder(name)
                  .ttl(Duration.ofMinutes(1))
                  .earlyRefresh(1e9) // every hit refreshes
                  .random(new java.util.Random(42))
                  .executor(refreshPool)
                  .stampede(
                      Stampede.distributed(lock())
                          .leaseTime(Duration.ofSeconds(30))
                          .maxWait(Duration.ofSeconds(60))
                          .pollInterval(Duration.ofMillis(10)))));
    }
    String first =
        instances.get(0).get("k", key -> {
          ticker.advance(Duration.ofMillis(10)); // a load that takes time: what XFetch works from
          return "old";
        });
    assertThat(first).isEqualTo("old");
    CountDownLatch othersWaiting = new CountDownLatch(1);
    AtomicInteger loads = new AtomicInteger();
    Function<String, String> blockedLoader =
        key -> {
          loads.incrementAndGet();
          awaitLatch(othersWaiting);
          return "new";
        };

    for (Cache<String, String> instance : instances) {
      assertThat(instance.get("k", blockedLoader)).isEqualTo("old");
    }
    await()
        .atMost(Duration.ofSeconds(30))
        .until(() -> instances.stream().mapToLong(c -> c.stats().leaseWaitCount()).sum() == 2);
    othersWaiting.countDown();

    await()
        .atMost(Duration.ofSeconds(30))
        .until(() -> instances.stream().allMatch(c -> "new".equals(c.getIfPresent("k"))));
    assertThat(loads).as("loads across the three instances").hasValue(1);
  }
}
