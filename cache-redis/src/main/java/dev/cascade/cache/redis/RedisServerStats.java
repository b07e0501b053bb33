package dev.cascade.cache.redis;

import dev.cascade.cache.redis.internal.RedisLink;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * Server-side statistics read from {@code INFO}, summed over every master of a cluster: what the
 * server itself saw, for dashboards next to the cache's own counts. Immutable.
 *
 * @param keyspaceHits {@code keyspace_hits}
 * @param keyspaceMisses {@code keyspace_misses}
 * @param evictedKeys {@code evicted_keys}
 * @param expiredKeys {@code expired_keys}
 * @param usedMemoryBytes {@code used_memory}
 */
public record RedisServerStats(
    long keyspaceHits, long keyspaceMisses, long evictedKeys, long expiredKeys, long usedMemoryBytes) {

  static CompletableFuture<RedisServerStats> read(RedisLink link) {
    CompletableFuture<Map<String, String>> stats = link.info("stats");
    CompletableFuture<Map<String, String>> memory = link.info("memory");
    return stats.thenCombine(
        memory,
        (statsByNode, memoryByNode) ->
            new RedisServerStats(
                sum(statsByNode, "keyspace_hits"),
                sum(statsByNode, "keyspace_misses"),
                sum(statsByNode, "evicted_keys"),
                sum(statsByNode, "expired_keys"),
                sum(memoryByNode, "used_memory")));
  }

  /** Returns the fields as a map of meter-friendly names, for metrics binders. */
  public Map<String, Number> asMap() {
    return Map.of(
        "keyspace.hits", keyspaceHits,
        "keyspace.misses", keyspaceMisses,
        "evicted.keys", evictedKeys,
        "expired.keys", expiredKeys,
        "used.memory", usedMemoryBytes);
  }

  private static long sum(Map<String, String> infoByNode, String field) {
    long total = 0;
    for (String info : infoByNode.values()) {
      for (String line : info.split("\r?\n")) {
        if (line.startsWith(field + ":")) {
          total += Long.parseLong(line.substring(field.length() + 1).trim());
        }
      }
    }
    return total;
  }
}
