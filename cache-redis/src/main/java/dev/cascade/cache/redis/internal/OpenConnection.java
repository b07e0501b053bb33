package dev.cascade.cache.redis.internal;

import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.cluster.api.StatefulRedisClusterConnection;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import org.jspecify.annotations.Nullable;

/**
 * An open Lettuce connection of a {@link RedisLink}: standalone or cluster, and its asynchronous
 * commands. Immutable; the connection it holds is thread-safe, as Lettuce's are.
 */
record OpenConnection(
    @Nullable StatefulRedisConnection<String, byte[]> standalone,
    @Nullable StatefulRedisClusterConnection<String, byte[]> cluster,
    RedisClusterAsyncCommands<String, byte[]> commands) {
  static OpenConnection of(StatefulRedisConnection<String, byte[]> standalone) {
    return new OpenConnection(standalone, null, standalone.async());
  }

  static OpenConnection of(StatefulRedisClusterConnection<String, byte[]> cluster) {
    return new OpenConnection(null, cluster, cluster.async());
  }

  void close() {
    if (standalone != null) {
      standalone.close();
    }
    if (cluster != null) {
      cluster.close();
    }
  }
}
