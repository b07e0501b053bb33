package dev.cascade.cache.spring;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cascade.cache.testkit.RedisServerExtension;
import dev.cascade.cache.testkit.Timing;
import java.time.Duration;
import java.util.function.Function;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Redis stopped with SIGSTOP (the port accepts connections, nothing answers) while {@code
 * @Cacheable} methods are called: every call still answers, within the backend's command timeout
 * plus {@link Timing#SLACK}, the one timing bound the issue asks for (measured per call).
 */
class CacheableOutageIT {
  // Above Timing.SLACK (250 ms by default): a call that waited out two timeouts still fails.
  private static final Duration TIMEOUT = Duration.ofMillis(500);
  private static final long BOUND_NANOS = Timing.boundNanos(TIMEOUT);

  @RegisterExtension static final RedisServerExtension redis = RedisServerExtension.standalone();

  private static RedisInstances servers;
  private final Database db = new Database();
  private Instance instance;

  @BeforeAll
  static void clients() {
    servers = new RedisInstances(redis);
  }

  @AfterAll
  static void closeClients() {
    servers.close();
  }

  @BeforeEach
  void start() {
    redis.command(0, "FLUSHALL");
    instance = servers.start(db, TIMEOUT);
  }

  @AfterEach
  void stop() throws Exception {
    redis.process(0).resume(); // resuming a running process does nothing
    instance.stop();
  }

  /** Calls over the bound, as "call index: ms", for the failure message. */
  private final java.util.List<String> slowCalls = new java.util.ArrayList<>();

  private long slowestCall(Function<String, String> method) {
    CachedService service = instance.service();
    for (int i = 0; i < 50; i++) {
      method.apply("k" + i); // cached before the outage
    }
    redis.process(0).pause();
    long slowest = 0;
    try {
      for (int i = 0; i < 300; i++) {
        String key = "k" + (i % 100); // 50 keys cached before, 50 new ones
        long start = System.nanoTime();
        assertThat(method.apply(key)).isEqualTo("v:" + key);
        long took = System.nanoTime() - start;
        slowest = Math.max(slowest, took);
        if (took >= BOUND_NANOS) {
          slowCalls.add(i + ": " + took / 1_000_000 + " ms");
        }
      }
    } finally {
      redis.process(0).resume();
    }
    return slowest;
  }

  @Test
  void cacheable_redisStopped_answersWithinTimeoutPlusSlack() {
    CachedService service = instance.service();
    long slowest = slowestCall(service::get);
    assertThat(slowest).as("slowest @Cacheable call (ns) while Redis was stopped; slow calls %s", slowCalls).isLessThan(BOUND_NANOS);
    assertThat(db.calls("get")).isGreaterThan(50); // the new keys were loaded by the method
  }

  @Test
  void cacheableSync_redisStopped_answersWithinTimeoutPlusSlack() {
    CachedService service = instance.service();
    long slowest = slowestCall(service::getSync);
    assertThat(slowest).as("slowest @Cacheable(sync = true) call (ns) while Redis was stopped; slow calls %s", slowCalls).isLessThan(BOUND_NANOS);
    assertThat(db.calls("getSync")).isGreaterThan(50);
  }
}
