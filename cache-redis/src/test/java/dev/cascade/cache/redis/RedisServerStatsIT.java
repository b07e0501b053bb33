package dev.cascade.cache.redis;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cascade.cache.Cache;
import dev.cascade.cache.codec.StringCodec;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** INFO statistics, summed over the masters of a cluster. */
class RedisServerStatsIT {
  @RegisterExtension static final RedisSetup redis = RedisSetup.cluster();

  @Test
  void serverStats_countTheServersHitsAndMissesOnEveryMaster() {
    RedisTier store = redis.store();
    {
      Cache<String, String> cache = Cache.<String, String>builder("stats").tier(store).valueCodec(StringCodec.create()).build();
      RedisServerStats before = store.serverStats().join();
      for (int i = 0; i < 30; i++) {
        cache.put("k" + i, "v");
      }
      for (int i = 0; i < 30; i++) {
        cache.getIfPresent("k" + i); // 30 keyspace hits, on all three masters
        cache.getIfPresent("absent" + i); // 30 keyspace misses
      }

      RedisServerStats after = store.serverStats().join();

      assertThat(after.keyspaceHits() - before.keyspaceHits()).isEqualTo(30);
      assertThat(after.keyspaceMisses() - before.keyspaceMisses()).isEqualTo(30);
      assertThat(after.usedMemoryBytes()).isPositive();
      assertThat(after.asMap()).containsKeys("keyspace.hits", "keyspace.misses", "evicted.keys", "used.memory");
    }
  }
}
