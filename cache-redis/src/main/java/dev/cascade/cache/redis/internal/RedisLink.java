package dev.cascade.cache.redis.internal;

import dev.cascade.cache.CacheException;
import dev.cascade.cache.CacheTimeoutException;
import dev.cascade.cache.CacheUnavailableException;
import io.lettuce.core.KeyScanCursor;
import io.lettuce.core.KeyValue;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisCommandTimeoutException;
import io.lettuce.core.RedisConnectionException;
import io.lettuce.core.RedisFuture;
import io.lettuce.core.ScanArgs;
import io.lettuce.core.ScanCursor;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.SetArgs;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.cluster.RedisClusterClient;
import io.lettuce.core.cluster.api.StatefulRedisClusterConnection;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import io.lettuce.core.cluster.models.partitions.RedisClusterNode;
import io.lettuce.core.codec.ByteArrayCodec;
import io.lettuce.core.codec.RedisCodec;
import io.lettuce.core.codec.StringCodec;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/**
 * One Lettuce connection (standalone or cluster) with the handful of commands Cascade uses, each
 * bounded by the command timeout and translated into {@link CacheException}s that keep Lettuce's
 * exception as cause. The connection is shared by all callers; Lettuce pipelines their commands.
 *
 * <p>A link either owns its connection (made by {@code connect}, closed by {@link #close()}) or
 * borrows another link's ({@link #borrowed()}, whose {@code close()} does nothing), so that several
 * users can share one connection while one owner decides when it closes.
 *
 * <p>Thread-safe. Invariant: every returned future completes within the timeout, whatever the
 * server or the network does.
 */
public final class RedisLink implements AutoCloseable {
  private static final RedisCodec<String, byte[]> CODEC = RedisCodec.of(StringCodec.UTF8, ByteArrayCodec.INSTANCE);
  private static final int SCAN_PAGE = 1_000;

  private final @Nullable StatefulRedisConnection<String, byte[]> standalone;
  private final @Nullable StatefulRedisClusterConnection<String, byte[]> cluster;
  private final RedisClusterAsyncCommands<String, byte[]> commands;
  private final Duration timeout;
  private final boolean owner;

  private RedisLink(
      @Nullable StatefulRedisConnection<String, byte[]> standalone,
      @Nullable StatefulRedisClusterConnection<String, byte[]> cluster,
      Duration timeout,
      boolean owner) {
    this.standalone = standalone;
    this.cluster = cluster;
    this.commands = standalone != null ? standalone.async() : cluster.async();
    this.timeout = timeout;
    this.owner = owner;
  }

  /** Connects to a standalone or Sentinel-managed server through {@code client}. */
  public static RedisLink connect(RedisClient client, Duration timeout) {
    try {
      return new RedisLink(client.connect(CODEC), null, timeout, true);
    } catch (RuntimeException e) {
      throw new CacheUnavailableException("cannot connect to Redis: " + e.getMessage(), e);
    }
  }

  /** Connects to a Redis Cluster through {@code client}. */
  public static RedisLink connect(RedisClusterClient client, Duration timeout) {
    try {
      return new RedisLink(null, client.connect(CODEC), timeout, true);
    } catch (RuntimeException e) {
      throw new CacheUnavailableException("cannot connect to Redis Cluster: " + e.getMessage(), e);
    }
  }

  /**
   * Returns a link on this link's connection, with the same timeout, whose {@link #close()} does
   * nothing: the connection stays open until this link (its owner) is closed.
   */
  public RedisLink borrowed() {
    return new RedisLink(standalone, cluster, timeout, false);
  }

  /** Returns whether this link talks to a cluster. */
  public boolean isCluster() {
    return cluster != null;
  }

  /** Returns the command timeout. */
  public Duration timeout() {
    return timeout;
  }

  /** Lettuce's commands on this link's connection, for the other classes of this package. */
  RedisClusterAsyncCommands<String, byte[]> commands() {
    return commands;
  }

  public CompletableFuture<byte @Nullable []> get(String key) {
    return bounded("GET", () -> commands.get(key));
  }

  /** MGET; on a cluster Lettuce splits it into one MGET per slot and runs them in parallel. */
  public CompletableFuture<Map<String, byte[]>> mget(List<String> keys) {
    if (keys.isEmpty()) {
      return CompletableFuture.completedFuture(Map.of());
    }
    return bounded("MGET", () -> commands.mget(keys.toArray(String[]::new)))
        .thenApply(
            values -> {
              Map<String, byte[]> found = new HashMap<>();
              for (KeyValue<String, byte[]> value : values) {
                if (value.hasValue()) {
                  found.put(value.getKey(), value.getValue());
                }
              }
              return found;
            });
  }

  /** SET with an optional PX TTL. */
  public CompletableFuture<Void> set(String key, byte[] value, @Nullable Duration ttl) {
    return bounded("SET", () -> ttl == null ? commands.set(key, value) : commands.set(key, value, SetArgs.Builder.px(ttl)))
        .thenApply(ok -> null);
  }

  /** SET NX with an optional PX TTL; returns whether it was set. */
  public CompletableFuture<Boolean> setIfAbsent(String key, byte[] value, @Nullable Duration ttl) {
    SetArgs args = ttl == null ? SetArgs.Builder.nx() : SetArgs.Builder.nx().px(ttl);
    return bounded("SET NX", () -> commands.set(key, value, args)).thenApply("OK"::equals);
  }

  /** SET XX with a PX TTL; returns whether the key existed (and was set). */
  public CompletableFuture<Boolean> setIfPresent(String key, byte[] value, Duration ttl) {
    return bounded("SET XX", () -> commands.set(key, value, SetArgs.Builder.xx().px(ttl))).thenApply("OK"::equals);
  }

  /** PUBLISH; returns the number of subscribers the server handed the message to. */
  public CompletableFuture<Long> publish(String channel, byte[] message) {
    return bounded("PUBLISH", () -> commands.publish(channel, message));
  }

  /** The codec of every Cascade connection: string keys and channels, byte values and messages. */
  public static RedisCodec<String, byte[]> codec() {
    return CODEC;
  }

  /** UNLINK; on a cluster Lettuce splits it by slot. */
  public CompletableFuture<Void> unlink(List<String> keys) {
    if (keys.isEmpty()) {
      return CompletableFuture.completedFuture(null);
    }
    return bounded("UNLINK", () -> commands.unlink(keys.toArray(String[]::new))).thenApply(count -> null);
  }

  /** Runs a Lua script on one key and returns its integer result. */
  public CompletableFuture<Long> evalOnKey(String script, String key, byte[]... args) {
    return bounded("EVAL", () -> commands.<Long>eval(script, ScriptOutputType.INTEGER, new String[] {key}, args));
  }

  /**
   * Unlinks every key matching {@code pattern} on every master, one SCAN page at a time (never
   * KEYS). Each page is bounded by the timeout; the whole sweep is not.
   */
  public CompletableFuture<Void> unlinkMatching(String pattern) {
    List<CompletableFuture<Void>> sweeps = new ArrayList<>();
    for (RedisClusterAsyncCommands<String, byte[]> node : masters()) {
      sweeps.add(sweep(node, pattern, ScanCursor.INITIAL));
    }
    return CompletableFuture.allOf(sweeps.toArray(CompletableFuture[]::new));
  }

  private CompletableFuture<Void> sweep(RedisClusterAsyncCommands<String, byte[]> node, String pattern, ScanCursor cursor) {
    ScanArgs args = ScanArgs.Builder.matches(pattern).limit(SCAN_PAGE);
    return bounded("SCAN", () -> node.scan(cursor, args))
        .thenCompose(
            (KeyScanCursor<String> page) ->
                unlink(page.getKeys())
                    .thenCompose(done -> page.isFinished() ? CompletableFuture.completedFuture(null) : sweep(node, pattern, page)));
  }

  /**
   * Returns the pub/sub channels matching {@code pattern} that have subscribers ({@code PUBSUB
   * CHANNELS}): the server's channel table, not its keyspace, so the cost does not grow with the
   * number of keys. On a cluster every known node is asked (a subscription lives on the node its
   * connection reached) and the answers are merged.
   */
  public CompletableFuture<List<String>> channelsMatching(String pattern) {
    List<CompletableFuture<List<String>>> perNode = new ArrayList<>();
    if (cluster == null) {
      perNode.add(bounded("PUBSUB CHANNELS", () -> commands.pubsubChannels(pattern)));
    } else {
      for (RedisClusterNode node : cluster.getPartitions()) {
        perNode.add(bounded("PUBSUB CHANNELS", () -> nodeCommands(node).pubsubChannels(pattern)));
      }
    }
    return CompletableFuture.allOf(perNode.toArray(CompletableFuture[]::new))
        .thenApply(
            done -> {
              List<String> all = new ArrayList<>();
              perNode.forEach(channels -> all.addAll(channels.join()));
              return all;
            });
  }

  /** Returns {@code INFO <section>} of every master, keyed by node address. */
  public CompletableFuture<Map<String, String>> info(String section) {
    Map<String, CompletableFuture<String>> replies = new HashMap<>();
    if (cluster == null) {
      replies.put("standalone", bounded("INFO", () -> commands.info(section)));
    } else {
      for (RedisClusterNode node : cluster.getPartitions()) {
        if (node.is(RedisClusterNode.NodeFlag.UPSTREAM)) {
          replies.put(node.getUri().getHost() + ":" + node.getUri().getPort(), bounded("INFO", () -> nodeCommands(node).info(section)));
        }
      }
    }
    return CompletableFuture.allOf(replies.values().toArray(CompletableFuture[]::new))
        .thenApply(
            done -> {
              Map<String, String> result = new HashMap<>();
              replies.forEach((node, reply) -> result.put(node, reply.join()));
              return result;
            });
  }

  private List<RedisClusterAsyncCommands<String, byte[]>> masters() {
    if (cluster == null) {
      return List.of(commands);
    }
    List<RedisClusterAsyncCommands<String, byte[]>> masters = new ArrayList<>();
    for (RedisClusterNode node : cluster.getPartitions()) {
      if (node.is(RedisClusterNode.NodeFlag.UPSTREAM)) {
        masters.add(nodeCommands(node));
      }
    }
    return masters;
  }

  /**
   * Returns the commands of the connection to {@code node} that Lettuce also routes keyed commands
   * through: asked by host and port, not by node id, which Lettuce would answer with a second
   * connection to the same node.
   */
  private RedisClusterAsyncCommands<String, byte[]> nodeCommands(RedisClusterNode node) {
    return Objects.requireNonNull(cluster).getConnection(node.getUri().getHost(), node.getUri().getPort()).async();
  }

  /**
   * Issues a command and bounds it by the timeout. The returned future is our own, so timing it
   * out never cancels Lettuce's command object under Lettuce's feet.
   */
  <T> CompletableFuture<T> bounded(String command, Supplier<RedisFuture<T>> issue) {
    CompletableFuture<T> result = new CompletableFuture<>();
    try {
      issue.get()
          .whenComplete(
              (value, error) -> {
                if (error != null) {
                  result.completeExceptionally(translate(command, error));
                } else {
                  result.complete(value);
                }
              });
    } catch (RuntimeException e) {
      result.completeExceptionally(translate(command, e));
    }
    return result
        .orTimeout(timeout.toNanos(), TimeUnit.NANOSECONDS)
        .exceptionallyCompose(
            error ->
                CompletableFuture.failedFuture(
                    error instanceof TimeoutException
                        ? new CacheTimeoutException("Redis " + command + " timed out after " + timeout.toMillis() + " ms", error)
                        : error));
  }

  /** Lettuce's failure of {@code command} as Cascade's: a timeout, a lost connection, or other. */
  private static CacheException translate(String command, Throwable error) {
    String message = "Redis " + command + " failed: " + error.getMessage();
    if (error instanceof RedisCommandTimeoutException) {
      return new CacheTimeoutException(message, error);
    }
    if (error instanceof RedisConnectionException || error instanceof java.io.IOException) {
      return new CacheUnavailableException(message, error);
    }
    return new CacheException(message, error);
  }

  /** Closes the connection if this link owns it; a {@linkplain #borrowed() borrowed} link does nothing. */
  @Override
  public void close() {
    if (!owner) {
      return;
    }
    if (standalone != null) {
      standalone.close();
    }
    if (cluster != null) {
      cluster.close();
    }
  }
}
