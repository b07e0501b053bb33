package dev.cascade.cache.redis;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cascade.cache.redis.internal.RedisLink;
import dev.cascade.cache.testkit.RedisServerExtension;
import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.cluster.RedisClusterClient;
import io.lettuce.core.resource.ClientResources;
import io.lettuce.core.resource.Delay;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** Client set-up shared by the Redis tests: the options docs/redis.md recommends for a cache. */
final class RedisTests {
  private RedisTests() {}

  static ClientResources resources() {
    return ClientResources.builder().reconnectDelay(Delay.constant(Duration.ofMillis(100))).build();
  }

  static RedisClient client(RedisServerExtension redis) {
    RedisClient client = RedisClient.create(resources(), redis.uri());
    client.setOptions(
        ClientOptions.builder().disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS).build());
    return client;
  }

  static RedisClusterClient clusterClient(RedisServerExtension redis) {
    List<RedisURI> seeds = new ArrayList<>();
    redis.uris().forEach(uri -> seeds.add(RedisURI.create(uri)));
    // Cluster node connections open lazily; rejecting commands while one is still connecting would
    // fail healthy calls, so the cluster client keeps Lettuce's default (queue, bounded by our timeout).
    return RedisClusterClient.create(resources(), seeds);
  }

  /** The command timeout of tests that do not measure timeouts: generous for a busy 2-core machine. */
  static final Duration RELAXED_TIMEOUT = Duration.ofSeconds(2);

  /**
   * A lease lock with {@link #RELAXED_TIMEOUT}: {@code create}'s 250 ms can time out a lease call
   * under a burst of hundreds of threads on a busy machine, and a failed lease call loads unguarded
   * (a second load where the tests count one).
   */
  static RedisStampedeLock relaxedLock(RedisClient client) {
    return new RedisStampedeLock(RedisLink.connect(client, RELAXED_TIMEOUT));
  }

  /** {@link #relaxedLock(RedisClient)} on a cluster. */
  static RedisStampedeLock relaxedLock(RedisClusterClient client) {
    return new RedisStampedeLock(RedisLink.connect(client, RELAXED_TIMEOUT));
  }

  /** Asserts that no server of {@code redis} ever ran KEYS (DESIGN: never KEYS). */
  static void assertNoKeysCommand(RedisServerExtension redis) {
    for (int i = 0; i < redis.size(); i++) {
      String stats = (String) redis.command(i, "INFO", "commandstats");
      assertThat(stats).contains("cmdstat_").doesNotContain("cmdstat_keys:").doesNotContain("cmdstat_flushdb").doesNotContain("cmdstat_flushall");
    }
  }
}
