package dev.cascade.cache.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.cascade.cache.Cache;
import dev.cascade.cache.CacheException;
import dev.cascade.cache.codec.StringCodec;
import dev.cascade.cache.testkit.RedisSentinelExtension;
import dev.cascade.cache.testkit.Timing;
import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Two service instances with layered caches on Redis through Sentinel: the primary is SIGKILLed
 * and the Sentinel promotes the replica. Meanwhile every read answers (fails open) within the
 * command timeout plus {@link Timing#SLACK}; afterwards both instances reconnect to the new primary
 * by themselves, both have flushed their in-process tiers (the channel's connection was lost, so
 * invalidations may have been), and what one instance writes after the failover the other reads,
 * never an older value.
 */
class RedisSentinelFailoverIT {
  // Above Timing.SLACK (250 ms by default): a call that waited out two timeouts still fails.
  private static final Duration TIMEOUT = Duration.ofMillis(500);
  private static final long BOUND_NANOS = Timing.boundNanos(TIMEOUT);

  @RegisterExtension static final RedisSentinelExtension redis = RedisSentinelExtension.primaryReplicaAndSentinel();

  private final List<AutoCloseable> closeables = new ArrayList<>();

  @AfterEach
  void close() throws Exception {
    for (int i = closeables.size() - 1; i >= 0; i--) {
      closeables.get(i).close();
    }
  }

  /** One service instance: its own client (through the Sentinel), backend and layered cache. */
  private Cache<String, String> instance() {
    RedisClient client = RedisClient.create(RedisTests.resources(), RedisURI.create(redis.sentinelUri()));
    client.setOptions(ClientOptions.builder().disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS).build());
    closeables.add(client::shutdown);
    // 5 s for acknowledgements: after the failover each write must reach the other's L1 before it
    // returns. An instance that misses one is not waited for again until it answers, so the failover
    // costs at most one such wait per instance.
    RedisBackend backend =
        RedisBackend.builder(client).commandTimeout(TIMEOUT).ackTimeout(Duration.ofSeconds(5)).build();
    closeables.add(backend);
    Cache<String, String> cache =
        Cache.<String, String>builder("failover")
            .inMemory(m -> m.maximumSize(1_000))
            .tier(backend.store())
            .valueCodec(StringCodec.create())
            .invalidation(backend.invalidation())
            .circuitBreaker(3, Duration.ofMillis(300))
            .build();
    closeables.add(cache);
    return cache;
  }

  @Test
  void primaryKilled_readsFailOpenInTime_bothInstancesMoveToTheNewPrimary_flushL1_andSeeEachOthersWrites() {
    Cache<String, String> a = instance();
    Cache<String, String> b = instance();
    await().atMost(Duration.ofSeconds(30)).until(() -> tryPut(a, "k", "before"));
    assertThat(b.get("k", key -> "loaded")).isEqualTo("before"); // now in b's L1 too
    redis.command(redis.primary().port(), "WAIT", 1, 5_000); // the replica has it
    long flushesA = a.stats().localFlushCount();
    long flushesB = b.stats().localFlushCount();
    int replicaPort = redis.replica().port();

    redis.primary().kill();
    long slowest = 0;
    int reads = 0;
    long failoverDeadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    while (redis.currentPrimaryPort() != replicaPort || !(tryPut(a, "probe", "p") && tryPut(b, "probe", "p"))) {
      assertThat(System.nanoTime()).as("failover within 60 s").isLessThan(failoverDeadline);
      for (Cache<String, String> cache : List.of(a, b)) {
        String key = "during-" + (reads % 50);
        long start = System.nanoTime();
        assertThat(cache.get(key, k -> "loaded-" + k)).isEqualTo("loaded-" + key);
        slowest = Math.max(slowest, System.nanoTime() - start);
        reads++;
      }
    }

    assertThat(reads).as("reads during the failover").isPositive();
    assertThat(slowest).as("slowest read (ns) during the failover").isLessThan(BOUND_NANOS);
    await().atMost(Duration.ofSeconds(30)).until(() -> a.stats().localFlushCount() > flushesA && b.stats().localFlushCount() > flushesB);
    // After the failover: each instance's writes are what the other reads, never an older value.
    for (int round = 0; round < 20; round++) {
      Cache<String, String> writer = round % 2 == 0 ? a : b;
      Cache<String, String> reader = round % 2 == 0 ? b : a;
      String value = "after-" + round;
      writer.put("k", value);
      assertThat(reader.get("k", key -> "loaded")).as("round %d", round).isEqualTo(value);
      assertThat(writer.get("k", key -> "loaded")).isEqualTo(value);
    }
    assertThat(redis.command(replicaPort, "ROLE")).asList().first().isEqualTo("master");
  }

  /** Puts through {@code cache}; returns whether the write reached Redis (and the channel). */
  private static boolean tryPut(Cache<String, String> cache, String key, String value) {
    try {
      cache.put(key, value);
      return true;
    } catch (CacheException e) {
      return false;
    }
  }
}
