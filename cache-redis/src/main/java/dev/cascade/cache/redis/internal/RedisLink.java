package dev.cascade.cache.redis.internal;

import dev.cascade.cache.CacheException;
import dev.cascade.cache.CacheTimeoutException;
import dev.cascade.cache.CacheUnavailableException;
import dev.cascade.cache.spi.TimedValue;
import dev.cascade.cache.spi.ValueReader;
import io.lettuce.core.GetExArgs;
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
import io.lettuce.core.cluster.RedisClusterClient;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import io.lettuce.core.cluster.models.partitions.RedisClusterNode;
import io.lettuce.core.codec.ByteArrayCodec;
import io.lettuce.core.codec.RedisCodec;
import io.lettuce.core.codec.StringCodec;
import io.lettuce.core.protocol.CommandArgs;
import io.lettuce.core.protocol.CommandType;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
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
 * <p>A link made by {@link #connect(RedisClient, Duration)} exists even while Redis cannot be
 * reached: the first connection attempt is made at once (for at most the client's connect timeout);
 * if it fails, attempts go on in the background, on one daemon thread, 100 ms after the failure and
 * then at doubling intervals up to 2 s, until one succeeds or the link is closed ({@link
 * LazyConnection} owns this). Meanwhile every
 * command fails at once with a {@link CacheUnavailableException} (so a cache's reads fail open and
 * its circuit breaker opens); once connected, Lettuce's own reconnection takes over and the link
 * never needs to connect again.
 *
 * <p>Thread-safe. Invariant: every returned future completes within the timeout (plus at most one
 * tick of {@link CommandDeadlines}, 10 ms), whatever the server or the network does.
 */
public final class RedisLink implements AutoCloseable {
  private static final RedisCodec<String, byte[]> CODEC = RedisCodec.of(StringCodec.UTF8, ByteArrayCodec.INSTANCE);
  private static final int SCAN_PAGE = 1_000;

  /** The default of {@code RedisBackend.Builder.maxCommandsInFlight}. */
  public static final int DEFAULT_MAX_IN_FLIGHT = 50_000;

  private final LazyConnection connection;
  private final Duration timeout;
  private final long timeoutNanos;
  private final boolean owner;

  private RedisLink(LazyConnection connection, Duration timeout, boolean owner) {
    this.connection = connection;
    this.timeout = timeout;
    this.timeoutNanos = timeout.toNanos();
    this.owner = owner;
  }

  /**
   * Returns a link to a standalone or Sentinel-managed server through {@code client}, connected if
   * the server answers now, otherwise connecting in the background (see the class comment). Never
   * fails because the server is unreachable.
   */
  public static RedisLink connect(RedisClient client, Duration timeout) {
    return connect(client, timeout, DEFAULT_MAX_IN_FLIGHT);
  }

  /** As {@link #connect(RedisClient, Duration)}, with at most {@code maxInFlight} commands awaiting an answer at once. */
  public static RedisLink connect(RedisClient client, Duration timeout, int maxInFlight) {
    return new RedisLink(LazyConnection.start(false, maxInFlight, () -> OpenConnection.of(client.connect(CODEC))), timeout, true);
  }

  /** Returns a link to a Redis Cluster through {@code client}, connecting as {@link #connect(RedisClient, Duration)} does. */
  public static RedisLink connect(RedisClusterClient client, Duration timeout) {
    return connect(client, timeout, DEFAULT_MAX_IN_FLIGHT);
  }

  /** As {@link #connect(RedisClusterClient, Duration)}, with at most {@code maxInFlight} commands awaiting an answer at once. */
  public static RedisLink connect(RedisClusterClient client, Duration timeout, int maxInFlight) {
    return new RedisLink(LazyConnection.start(true, maxInFlight, () -> OpenConnection.of(client.connect(CODEC))), timeout, true);
  }

  /** Returns how many commands of this link's connection await Redis's answer now. */
  public int commandsInFlight() {
    return connection.commandsInFlight();
  }

  /** Returns how many commands this link's connection refused because too many were in flight. */
  public long refusedCommands() {
    return connection.refusedCommands();
  }

  /**
   * Returns a link connected now to the server of {@code client}.
   *
   * @throws CacheUnavailableException if the server cannot be reached
   */
  public static RedisLink connectNow(RedisClient client, Duration timeout) {
    try {
      return new RedisLink(LazyConnection.opened(false, DEFAULT_MAX_IN_FLIGHT, OpenConnection.of(client.connect(CODEC))), timeout, true);
    } catch (RuntimeException e) {
      throw new CacheUnavailableException("cannot connect to Redis: " + e.getMessage(), e);
    }
  }

  /**
   * Returns a link connected now to the cluster of {@code client}.
   *
   * @throws CacheUnavailableException if the cluster cannot be reached
   */
  public static RedisLink connectNow(RedisClusterClient client, Duration timeout) {
    try {
      return new RedisLink(LazyConnection.opened(true, DEFAULT_MAX_IN_FLIGHT, OpenConnection.of(client.connect(CODEC))), timeout, true);
    } catch (RuntimeException e) {
      throw new CacheUnavailableException("cannot connect to Redis Cluster: " + e.getMessage(), e);
    }
  }

  /**
   * Returns a link on this link's connection, with the same timeout, whose {@link #close()} does
   * nothing: the connection stays open until this link (its owner) is closed. A borrowed link
   * connects when its owner does.
   */
  public RedisLink borrowed() {
    return new RedisLink(connection, timeout, false);
  }

  /** Returns whether the connection is open (it may still be reconnecting after a drop). */
  public boolean isConnected() {
    return connection.open != null;
  }

  /** Returns whether this link talks to a cluster. */
  public boolean isCluster() {
    return connection.cluster;
  }

  /** Returns the command timeout. */
  public Duration timeout() {
    return timeout;
  }

  /**
   * Lettuce's commands on this link's connection, for the other classes of this package.
   *
   * @throws CacheUnavailableException if the link has not connected yet
   */
  RedisClusterAsyncCommands<String, byte[]> commands() {
    return connection.open().commands();
  }

  /** Returns the SHA-1 of {@code script} in hex, as {@code EVALSHA} names it; computed here, no server needed. */
  static String sha1(String script) {
    try {
      byte[] digest = java.security.MessageDigest.getInstance("SHA-1").digest(script.getBytes(java.nio.charset.StandardCharsets.UTF_8));
      return java.util.HexFormat.of().formatHex(digest);
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-1 is missing from this JVM", e);
    }
  }

  public CompletableFuture<byte @Nullable []> get(String key) {
    return bounded("GET", () -> commands().get(key));
  }

  /** GETEX PX: the value under {@code key}, whose TTL becomes {@code ttl} ({@link ExpiryMillis}) in the same command. */
  public CompletableFuture<byte @Nullable []> getex(String key, Duration ttl) {
    long millis = ExpiryMillis.of(ttl);
    return bounded("GETEX", () -> commands().getex(key, GetExArgs.Builder.px(millis)));
  }

  /**
   * One GETEX PX per key, pipelined on the shared connection (on a cluster, each goes to its
   * slot's master): one round trip per server, each key read and touched atomically.
   */
  public CompletableFuture<Map<String, byte[]>> getexAll(List<String> keys, Duration ttl) {
    if (keys.isEmpty()) {
      return CompletableFuture.completedFuture(Map.of());
    }
    List<CompletableFuture<byte @Nullable []>> reads = new ArrayList<>(keys.size());
    for (String key : keys) {
      reads.add(getex(key, ttl));
    }
    return CompletableFuture.allOf(reads.toArray(CompletableFuture[]::new))
        .thenApply(
            done -> {
              Map<String, byte[]> found = new HashMap<>();
              for (int i = 0; i < keys.size(); i++) {
                byte[] value = reads.get(i).join();
                if (value != null) {
                  found.put(keys.get(i), value);
                }
              }
              return found;
            });
  }

  /** MGET; on a cluster Lettuce splits it into one MGET per slot and runs them in parallel. */
  public CompletableFuture<Map<String, byte[]>> mget(List<String> keys) {
    if (keys.isEmpty()) {
      return CompletableFuture.completedFuture(Map.of());
    }
    return bounded("MGET", () -> commands().mget(keys.toArray(String[]::new)))
        .thenApply(
            values -> {
              Map<String, byte[]> found = new HashMap<>(values.size() * 4 / 3 + 1); // no resize
              for (KeyValue<String, byte[]> value : values) {
                if (value.hasValue()) {
                  found.put(value.getKey(), value.getValue());
                }
              }
              return found;
            });
  }

  /**
   * MGET answered by position: element {@code i} is the value of key {@code i}, or {@code null}.
   * Lettuce answers in the order asked, on a cluster too (it puts the per-slot answers back in the
   * keys' order), so no map is built.
   */
  public CompletableFuture<List<byte @Nullable []>> mgetInOrder(String[] keys) {
    if (keys.length == 0) {
      return CompletableFuture.completedFuture(List.of());
    }
    return bounded("MGET", () -> commands().mget(keys))
        .thenApply(
            values -> {
              List<byte @Nullable []> inOrder = new ArrayList<>(values.size());
              for (KeyValue<String, byte[]> value : values) {
                inOrder.add(value.hasValue() ? value.getValue() : null);
              }
              return inOrder;
            });
  }

  /** {@link #mgetInOrder(String[])}, {@code reader} run on Lettuce's I/O thread ({@link ReadValuesOutput}); not on a cluster. */
  public <T> CompletableFuture<List<@Nullable T>> mgetInOrder(String[] keys, ValueReader<? extends T> reader) {
    if (keys.length == 0) {
      return CompletableFuture.completedFuture(List.of());
    }
    ReadValuesOutput<T> output = new ReadValuesOutput<>(CODEC, reader, keys.length);
    return bounded("MGET", () -> commands().dispatch(CommandType.MGET, output, new CommandArgs<>(CODEC).addKeys(keys)))
        .thenApply(done -> output.values());
  }

  /** SET with an optional PX TTL ({@link ExpiryMillis}). */
  public CompletableFuture<Void> set(String key, byte[] value, @Nullable Duration ttl) {
    return bounded(
            "SET", () -> ttl == null ? commands().set(key, value) : commands().set(key, value, SetArgs.Builder.px(ExpiryMillis.of(ttl))))
        .thenApply(ok -> null);
  }

  /** SET NX with an optional PX TTL ({@link ExpiryMillis}); returns whether it was set. */
  public CompletableFuture<Boolean> setIfAbsent(String key, byte[] value, @Nullable Duration ttl) {
    SetArgs args = ttl == null ? SetArgs.Builder.nx() : SetArgs.Builder.nx().px(ExpiryMillis.of(ttl));
    return bounded("SET NX", () -> commands().set(key, value, args)).thenApply("OK"::equals);
  }

  /** SET XX with a PX TTL ({@link ExpiryMillis}); returns whether the key existed (and was set). */
  public CompletableFuture<Boolean> setIfPresent(String key, byte[] value, Duration ttl) {
    return bounded("SET XX", () -> commands().set(key, value, SetArgs.Builder.xx().px(ExpiryMillis.of(ttl)))).thenApply("OK"::equals);
  }

  /** PUBLISH; returns the number of subscribers the server handed the message to. */
  public CompletableFuture<Long> publish(String channel, byte[] message) {
    return bounded("PUBLISH", () -> commands().publish(channel, message));
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
    return bounded("UNLINK", () -> commands().unlink(keys.toArray(String[]::new))).thenApply(count -> null);
  }

  /** Runs a Lua script on one key and returns its integer result. */
  public CompletableFuture<Long> evalOnKey(String script, String key, byte[]... args) {
    return bounded("EVAL", () -> commands().<Long>eval(script, ScriptOutputType.INTEGER, new String[] {key}, args));
  }

  /** KEYS[1]: its value and remaining TTL in ms (-1 for none), or nil. */
  private static final String GET_WITH_TTL =
      "local v = redis.call('GET', KEYS[1]) if not v then return nil end return {v, redis.call('PTTL', KEYS[1])}";

  /**
   * {@code GET} and {@code PTTL} of {@code key} in one script (atomic): the value and the time it
   * has left ({@code null} for no TTL), or {@code null} when there is no value.
   */
  public CompletableFuture<@Nullable TimedValue> getWithTtl(String key) {
    return bounded("EVAL", () -> commands().<List<Object>>eval(GET_WITH_TTL, ScriptOutputType.MULTI, key))
        .thenApply(
            reply -> {
              if (reply == null || reply.size() < 2 || !(reply.get(0) instanceof byte[] value)) {
                return null;
              }
              long millis = reply.get(1) instanceof Long pttl ? pttl : -1;
              return new TimedValue(value, millis >= 0 ? Duration.ofMillis(millis) : null);
            });
  }

  /** Runs a Lua script on {@code keys} (all in one slot, or a standalone server) and returns its integer result. */
  public CompletableFuture<Long> eval(String script, List<String> keys, byte[]... args) {
    return bounded("EVAL", () -> commands().<Long>eval(script, ScriptOutputType.INTEGER, keys.toArray(String[]::new), args));
  }

  /**
   * Unlinks every key matching {@code pattern} on every master, one SCAN page at a time (never
   * KEYS). Each page is bounded by the timeout; the whole sweep is not.
   */
  public CompletableFuture<Void> unlinkMatching(String pattern) {
    List<RedisClusterAsyncCommands<String, byte[]>> masters;
    try {
      masters = masters();
    } catch (CacheException notConnected) {
      return CompletableFuture.failedFuture(notConnected);
    }
    List<CompletableFuture<Void>> sweeps = new ArrayList<>();
    for (RedisClusterAsyncCommands<String, byte[]> node : masters) {
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
    try {
      OpenConnection open = connection.open();
      if (open.cluster() == null) {
        perNode.add(bounded("PUBSUB CHANNELS", () -> open.commands().pubsubChannels(pattern)));
      } else {
        for (RedisClusterNode node : open.cluster().getPartitions()) {
          perNode.add(bounded("PUBSUB CHANNELS", () -> nodeCommands(open, node).pubsubChannels(pattern)));
        }
      }
    } catch (CacheException notConnected) {
      return CompletableFuture.failedFuture(notConnected);
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
    try {
      OpenConnection open = connection.open();
      if (open.cluster() == null) {
        replies.put("standalone", bounded("INFO", () -> open.commands().info(section)));
      } else {
        for (RedisClusterNode node : open.cluster().getPartitions()) {
          if (node.is(RedisClusterNode.NodeFlag.UPSTREAM)) {
            replies.put(
                node.getUri().getHost() + ":" + node.getUri().getPort(), bounded("INFO", () -> nodeCommands(open, node).info(section)));
          }
        }
      }
    } catch (CacheException notConnected) {
      return CompletableFuture.failedFuture(notConnected);
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
    OpenConnection open = connection.open();
    if (open.cluster() == null) {
      return List.of(open.commands());
    }
    List<RedisClusterAsyncCommands<String, byte[]>> masters = new ArrayList<>();
    for (RedisClusterNode node : open.cluster().getPartitions()) {
      if (node.is(RedisClusterNode.NodeFlag.UPSTREAM)) {
        masters.add(nodeCommands(open, node));
      }
    }
    return masters;
  }

  /**
   * Returns the commands of the connection to {@code node} that Lettuce also routes keyed commands
   * through: asked by host and port, not by node id, which Lettuce would answer with a second
   * connection to the same node.
   */
  private static RedisClusterAsyncCommands<String, byte[]> nodeCommands(OpenConnection open, RedisClusterNode node) {
    return Objects.requireNonNull(open.cluster()).getConnection(node.getUri().getHost(), node.getUri().getPort()).async();
  }

  /**
   * Issues a command and bounds it by the timeout. The returned future is our own, so timing it
   * out never cancels Lettuce's command object under Lettuce's feet. A command is refused at once
   * (failed with {@link CacheUnavailableException}) when the connection already has its most
   * commands awaiting an answer, which a timeout does not end (see {@code LazyConnection.enterCommand}).
   */
  <T> CompletableFuture<T> bounded(String command, Supplier<RedisFuture<T>> issue) {
    if (!connection.enterCommand()) {
      return CompletableFuture.failedFuture(
          new CacheUnavailableException(
              "Redis " + command + " refused: " + connection.maxInFlight
                  + " commands already await the server's answer (it is slow or unreachable)",
              null));
    }
    CommandDeadlines.Bounded<T> result = new CommandDeadlines.Bounded<>(command, timeoutNanos);
    CommandDeadlines.shared().track(result);
    try {
      issue.get()
          .whenComplete(
              (value, error) -> {
                connection.exitCommand();
                if (error != null) {
                  result.completeExceptionally(translate(command, error));
                } else {
                  result.complete(value);
                }
              });
    } catch (RuntimeException e) {
      connection.exitCommand(); // never issued
      result.completeExceptionally(translate(command, e));
    }
    return result;
  }

  /** Lettuce's failure of {@code command} as Cascade's: a timeout, a lost connection, or other. */
  private static CacheException translate(String command, Throwable error) {
    if (error instanceof CacheException ours) {
      return ours; // not connected yet
    }
    String message = "Redis " + command + " failed: " + error.getMessage();
    if (error instanceof RedisCommandTimeoutException) {
      return new CacheTimeoutException(message, error);
    }
    if (error instanceof RedisConnectionException || error instanceof java.io.IOException) {
      return new CacheUnavailableException(message, error);
    }
    return new CacheException(message, error);
  }

  /**
   * Closes the connection if this link owns it, and stops connecting if it was still trying; a
   * {@linkplain #borrowed() borrowed} link does nothing.
   */
  @Override
  public void close() {
    if (owner) {
      connection.close();
    }
  }
}
