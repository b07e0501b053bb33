package dev.cascade.cache.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.cascade.cache.Cache;
import dev.cascade.cache.codec.StringCodec;
import io.lettuce.core.cluster.RedisClusterClient;
import java.time.Duration;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Write-behind on a 3-master Redis Cluster: every script and stream command of a partition stays in
 * the partition's slot (a CROSSSLOT error would fail the writes), the partitions spread over the
 * masters, and changes flow end to end with queued values seen by loads.
 */
class WriteBehindClusterIT {
  @RegisterExtension static final RedisSetup redis = RedisSetup.cluster();

  @Test
  void putsAndDeletes_onCluster_reachTheDatabase_partitionsSpreadOverMasters() {
    Map<String, String> database = new ConcurrentHashMap<>();
    try (RedisBackend backend = RedisBackend.builder((RedisClusterClient) redis.client()).commandTimeout(RedisTests.RELAXED_TIMEOUT).build();
        Cache<String, String> cache = Cache.<String, String>builder("wb-cluster").inMemory(m -> m.maximumSize(5_000)).build();
        WriteBehind<String, String> queue =
            WriteBehind.builder(backend, "cluster", cache)
                .keyCodec(StringCodec.create())
                .valueCodec(StringCodec.create())
                .partitions(8)
                .blockTime(Duration.ofMillis(100))
                .minIdle(Duration.ofSeconds(10))
                .pollInterval(Duration.ofMillis(100))
                .writer(
                    batch ->
                        batch.forEach(
                            change -> {
                              if (change.isDelete()) {
                                database.remove(change.key());
                              } else {
                                database.put(change.key(), change.value());
                              }
                            }))
                .build()) {
      for (int i = 0; i < 2_000; i++) {
        queue.put("k" + i, "v" + i);
      }
      for (int i = 0; i < 2_000; i += 2) {
        queue.delete("k" + i);
      }
      cache.invalidate("k1");
      assertThat(cache.get("k1", queue.loader(database::get))).as("queued, not yet in the database").isEqualTo("v1");

      queue.start();
      await().atMost(Duration.ofSeconds(60)).until(() -> queue.stats().queueLength() == 0);
      assertThat(database).hasSize(1_000).containsEntry("k1", "v1").doesNotContainKey("k0");

      Set<Integer> masters = new HashSet<>();
      for (int partition = 0; partition < 8; partition++) {
        String stream = "cascade:wb:{cluster:" + partition + "}:stream";
        for (int node = 0; node < redis.server().size(); node++) {
          try {
            if ((Long) redis.server().command(node, "EXISTS", stream) == 1L) {
              masters.add(node);
            }
          } catch (IllegalStateException moved) {
            // MOVED: another master serves the partition's slot
          }
        }
      }
      assertThat(masters).as("masters holding partition streams").hasSizeGreaterThan(1);
    }
  }
}
