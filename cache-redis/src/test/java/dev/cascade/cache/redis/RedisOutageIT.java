package dev.cascade.cache.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.cascade.cache.Cache;
import dev.cascade.cache.CacheException;
import dev.cascade.cache.codec.StringCodec;
import dev.cascade.cache.testkit.Timing;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A real redis-server SIGKILLed and SIGSTOPped under a stream of operations: no call waits past the
 * command timeout (plus {@link Timing#SLACK}, the one timing bound the issue asks for), reads fall
 * back to the loader, and the tier is used again once the server is back.
 */
class RedisOutageIT {
  // Above Timing.SLACK (250 ms by default): a call that waited out two timeouts still fails.
  private static final Duration TIMEOUT = Duration.ofMillis(500);
  private static final long BOUND_NANOS = Timing.boundNanos(TIMEOUT);

  @RegisterExtension static final RedisSetup redis = RedisSetup.standalone(TIMEOUT);

  private final AtomicInteger loads = new AtomicInteger();
  private long slowestNanos;



  @AfterEach
  void serverRunning() {
    if (!redis.server().process(0).isAlive()) {
      redis.server().process(0).restart();
    }
  }

  private Cache<String, String> cache() {
    return Cache.<String, String>builder("outage")
        .tier(redis.store())
        .valueCodec(StringCodec.create())
        .circuitBreaker(3, Duration.ofMillis(300))
        .build();
  }

  /** Runs {@code count} mixed operations, timing each; gets must never fail. */
  private void stream(Cache<String, String> cache, int count) {
    for (int i = 0; i < count; i++) {
      String key = "k" + (i % 40);
      long start = System.nanoTime();
      switch (i % 4) {
        case 0, 1 -> assertThat(cache.get(key, k -> "loaded-" + k + "-" + loads.incrementAndGet())).startsWith("loaded-");
        case 2 -> cache.getIfPresent(key);
        default -> {
          try {
            cache.put(key, "put-" + i);
          } catch (CacheException reported) {
            // a write that cannot reach the server is reported, not silently dropped
          }
        }
      }
      slowestNanos = Math.max(slowestNanos, System.nanoTime() - start);
    }
  }

  private static void awaitTierUsedAgain(Cache<String, String> cache) {
    Cache<String, String> otherInstance = Cache.<String, String>builder("outage").tier(redis.store()).valueCodec(StringCodec.create()).build();
    await()
        .atMost(Duration.ofSeconds(30))
        .pollInterval(Duration.ofMillis(50))
        .ignoreExceptionsInstanceOf(CacheException.class)
        .until(
            () -> {
              cache.put("probe", "through-redis");
              return "through-redis".equals(otherInstance.getIfPresent("probe"));
            });
  }

  @Test
  void sigkill_callsStayWithinTimeout_readsUseLoader_tierComesBack() {
    Cache<String, String> cache = cache();
    stream(cache, 100);
    int loadsBefore = loads.get();
    slowestNanos = 0;

    redis.server().process(0).kill();
    stream(cache, 400);

    assertThat(slowestNanos).as("slowest call (ns) while the server is dead").isLessThan(BOUND_NANOS);
    assertThat(loads.get()).as("reads served by the loader").isGreaterThanOrEqualTo(loadsBefore + 150);
    assertThat(cache.stats().tierErrorCount()).isPositive();

    redis.server().process(0).restart();
    awaitTierUsedAgain(cache);
    slowestNanos = 0;
    stream(cache, 100);
    assertThat(slowestNanos).isLessThan(BOUND_NANOS);
  }

  @Test
  void sigstop_callsStayWithinTimeout_readsUseLoader_tierComesBack() {
    Cache<String, String> cache = cache();
    stream(cache, 100);
    int loadsBefore = loads.get();
    slowestNanos = 0;

    redis.server().process(0).pause();
    try {
      stream(cache, 400);
    } finally {
      redis.server().process(0).resume();
    }

    assertThat(slowestNanos).as("slowest call (ns) while the server is stopped").isLessThan(BOUND_NANOS);
    assertThat(loads.get()).isGreaterThanOrEqualTo(loadsBefore + 150);

    awaitTierUsedAgain(cache);
    slowestNanos = 0;
    stream(cache, 100);
    assertThat(slowestNanos).isLessThan(BOUND_NANOS);
  }
}
