package dev.cascade.cache.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.cascade.cache.Cache;
import dev.cascade.cache.CircuitState;
import dev.cascade.cache.codec.StringCodec;
import dev.cascade.cache.testkit.FaultProxy;
import dev.cascade.cache.testkit.RedisServerExtension;
import dev.cascade.cache.testkit.Timing;
import io.lettuce.core.RedisClient;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A layered cache over Redis through a {@link FaultProxy}: network faults that a signal to the
 * server cannot make. Black-holed (every socket open, nothing passing) or slowed past the command
 * timeout, reads fail open within the timeout plus {@link Timing#SLACK} (the one timing
 * bound) and the shared breaker opens; once the proxy heals, the breaker closes, the in-process tier is flushed
 * (it may have missed invalidations) and Redis serves reads again.
 */
class ProxiedRedisFaultsIT {
  // 1 s: the healthy phases, through the proxy's extra hops, assert no tier error at all on a busy
  // machine; and above Timing.SLACK, so a read that waited out two timeouts still fails.
  private static final Duration TIMEOUT = Duration.ofSeconds(1);
  private static final long BOUND_NANOS = Timing.boundNanos(TIMEOUT);
  private static final int REDIS_TIER = 1;

  @RegisterExtension static final RedisServerExtension redis = RedisServerExtension.standalone();

  private FaultProxy proxy;
  private RedisClient client;
  private RedisBackend backend;
  private Cache<String, String> cache;
  private long slowestNanos;

  @BeforeEach
  void connectThroughTheProxy() {
    proxy = FaultProxy.start("127.0.0.1", redis.port(0));
    client = RedisClient.create("redis://" + proxy.address());
    backend = RedisBackend.builder(client).commandTimeout(TIMEOUT).build();
    cache =
        Cache.<String, String>builder("proxied-" + System.nanoTime())
            .inMemory(m -> m.maximumSize(1_000))
            .tier(backend.store())
            .valueCodec(StringCodec.create())
            .circuitBreaker(3, Duration.ofMillis(300))
            .build();
  }

  @AfterEach
  void close() {
    cache.close();
    backend.close();
    client.shutdown();
    proxy.close();
  }

  @Test
  void blackHole_readsFailOpenWithinTheTimeout_breakerOpens_healFlushesL1AndUsesRedisAgain() {
    warmUp();

    proxy.blackHole();
    readLoad(300);

    assertThat(slowestNanos).as("slowest read (ns) while black-holed").isLessThan(BOUND_NANOS);
    assertThat(cache.inspect().circuitOpenings(REDIS_TIER)).isPositive();
    assertThat(proxy.connectionCount()).as("a black hole closes nothing").isPositive();
    healAndSeeRedisUsedAgain();
  }

  @Test
  void latencyAboveTheTimeout_readsFailOpenWithinTheTimeout_healFlushesL1AndUsesRedisAgain() {
    warmUp();

    proxy.latency(TIMEOUT, Duration.ofMillis(20)); // each way: every reply comes after the timeout
    readLoad(300);

    assertThat(slowestNanos).as("slowest read (ns) with 1000-1020 ms added latency").isLessThan(BOUND_NANOS);
    assertThat(cache.stats().tierErrorCount()).as("reads that timed out and failed open").isPositive();
    assertThat(cache.inspect().circuitOpenings(REDIS_TIER)).isPositive();
    healAndSeeRedisUsedAgain();
  }

  @Test
  void resetConnections_readsFailOpen_andTheClientReconnects() {
    warmUp();

    proxy.resetConnections();
    readLoad(100);
    await().atMost(Duration.ofSeconds(30)).until(() -> proxy.connectionCount() > 0);
    String key = "after-reset";
    cache.put(key, "in-redis");
    cache.invalidateAll();

    assertThat(slowestNanos).as("slowest read (ns) around the reset").isLessThan(BOUND_NANOS);
    assertThat(redisValue(key)).isNull(); // invalidateAll reached Redis over the new connection
  }

  private void warmUp() {
    for (int i = 0; i < 100; i++) {
      cache.get("k" + i, k -> "loaded-" + k);
    }
    assertThat(cache.stats().tierErrorCount()).isZero();
  }

  /** Reads 100 keys cached before the fault and new ones, each timed; every read gets its value. */
  private void readLoad(int count) {
    for (int i = 0; i < count; i++) {
      String key = "k" + (i % 200);
      long start = System.nanoTime();
      assertThat(cache.get(key, k -> "loaded-" + k)).isEqualTo("loaded-" + key);
      slowestNanos = Math.max(slowestNanos, System.nanoTime() - start);
    }
  }

  private void healAndSeeRedisUsedAgain() {
    long flushesBefore = cache.stats().localFlushCount();
    proxy.heal();
    AtomicInteger probes = new AtomicInteger();
    await()
        .atMost(Duration.ofSeconds(30))
        .pollInterval(Duration.ofMillis(50))
        .until(
            () -> {
              cache.get("probe-" + probes.incrementAndGet(), k -> "p"); // an L1 miss: it reaches Redis
              return cache.inspect().circuitState(REDIS_TIER) == CircuitState.CLOSED;
            });
    assertThat(cache.stats().localFlushCount()).as("L1 flushed on recovery").isGreaterThan(flushesBefore);

    // Redis is used again: k5 was written to Redis before the fault and its L1 copy is gone, so a
    // read finds it there instead of calling the loader; a value put now is in Redis.
    assertThat(cache.get("k5", k -> "reloaded")).isEqualTo("loaded-k5");
    cache.put("after-heal", "from-redis");
    assertThat(redisValue("after-heal")).isNotNull();
    long errorsBefore = cache.stats().tierErrorCount();
    slowestNanos = 0;
    readLoad(200);
    assertThat(slowestNanos).isLessThan(BOUND_NANOS);
    assertThat(cache.stats().tierErrorCount()).isEqualTo(errorsBefore);
  }

  private Object redisValue(String key) {
    return redis.command(0, "GET", "cascade:" + cache.name() + ":" + key);
  }
}
