package dev.cascade.cache.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.cascade.cache.Cache;
import dev.cascade.cache.CircuitState;
import dev.cascade.cache.codec.StringCodec;
import dev.cascade.cache.testkit.Timing;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A layered cache under read load while its Redis is SIGKILLed or SIGSTOPped: no call waits past the
 * timeout plus {@link Timing#SLACK} (the one timing bound the issue asks for), the breaker opens and
 * closes again, and the in-process tier is flushed when Redis comes back.
 */
class LayeredOutageIT {
  // Above Timing.SLACK (250 ms by default): a call that waited out two timeouts still fails.
  private static final Duration TIMEOUT = Duration.ofMillis(500);
  private static final long BOUND_NANOS = Timing.boundNanos(TIMEOUT);

  @RegisterExtension static final RedisSetup redis = RedisSetup.standalone(TIMEOUT);

  private long slowestNanos;



  @AfterEach
  void serverRunning() {
    if (!redis.server().process(0).isAlive()) {
      redis.server().process(0).restart();
    }
  }

  private static Cache<String, String> cache() {
    return Cache.<String, String>builder("layered-outage")
            .inMemory(m -> m.maximumSize(1_000))
            .tier(redis.store())
            .valueCodec(StringCodec.create())
            .circuitBreaker(3, Duration.ofMillis(300))
            .build();
  }

  /** The index of the Redis tier: after the in-process tier. */
  private static final int REDIS_TIER = 1;

  private void readLoad(Cache<String, String> cache, int count) {
    for (int i = 0; i < count; i++) {
      String key = "k" + (i % 200); // 100 keys cached before the outage, 100 new ones
      long start = System.nanoTime();
      assertThat(cache.get(key, k -> "loaded-" + k)).isEqualTo("loaded-" + key);
      slowestNanos = Math.max(slowestNanos, System.nanoTime() - start);
    }
  }

  private void outage(Runnable stop, Runnable start) {
    Cache<String, String> cache = cache();
    for (int i = 0; i < 100; i++) {
      cache.get("k" + i, k -> "loaded-" + k);
    }
    stop.run();
    try {
      readLoad(cache, 600);
    } finally {
      start.run();
    }
    assertThat(slowestNanos).as("slowest read (ns) during the outage").isLessThan(BOUND_NANOS);
    assertThat(cache.inspect().circuitOpenings(REDIS_TIER)).isPositive();
    long flushesBefore = cache.stats().localFlushCount();
    java.util.concurrent.atomic.AtomicInteger probes = new java.util.concurrent.atomic.AtomicInteger();

    await()
        .atMost(Duration.ofSeconds(30))
        .pollInterval(Duration.ofMillis(50))
        .until(
            () -> {
              cache.get("probe-" + probes.incrementAndGet(), k -> "p"); // an L1 miss: it reaches Redis
              return cache.inspect().circuitState(REDIS_TIER) == CircuitState.CLOSED;
            });
    assertThat(cache.stats().localFlushCount()).isGreaterThan(flushesBefore); // L1 flushed on recovery
    slowestNanos = 0;
    readLoad(cache, 200);
    assertThat(slowestNanos).isLessThan(BOUND_NANOS);
  }

  @Test
  void sigkill_readsStayWithinTimeout_breakerOpensAndCloses_l1FlushedOnRecovery() {
    outage(() -> redis.server().process(0).kill(), () -> redis.server().process(0).restart());
  }

  @Test
  void sigstop_readsStayWithinTimeout_breakerOpensAndCloses_l1FlushedOnRecovery() {
    outage(() -> redis.server().process(0).pause(), () -> redis.server().process(0).resume());
  }
}
