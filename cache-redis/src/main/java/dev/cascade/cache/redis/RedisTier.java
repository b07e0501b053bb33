package dev.cascade.cache.redis;

import dev.cascade.cache.redis.internal.ExpiryMillis;
import dev.cascade.cache.redis.internal.RedisLink;
import dev.cascade.cache.spi.RemoteStore;
import dev.cascade.cache.spi.StoreCapabilities;
import dev.cascade.cache.spi.TagSetStore;
import dev.cascade.cache.spi.TimedValue;
import dev.cascade.cache.spi.ValueReader;
import io.lettuce.core.RedisClient;
import io.lettuce.core.cluster.RedisClusterClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import org.jspecify.annotations.Nullable;

/**
 * Redis as a Cascade remote store, on Lettuce: standalone servers, Sentinel-managed ones (give the
 * {@link RedisClient} a {@code redis-sentinel://} URI) and Redis Cluster (give a {@link
 * RedisClusterClient}). TLS ({@code rediss://}) and AUTH/ACL user and password are set on the
 * Lettuce client and pass through unchanged.
 *
 * <pre>{@code
 * RedisClient redis = RedisClient.create("redis://localhost:6379");
 * Cache<Long, Product> products = Cache.<Long, Product>builder("products")
 *     .tier(RedisTier.create(redis))
 *     .valueCodec(JsonCodec.of(Product.class))
 *     .build();
 * }</pre>
 *
 * <p>Each instance made by {@code create} or {@code builder} opens one connection, shared by every
 * caller (Lettuce pipelines their commands); the store of a {@link RedisBackend} uses the backend's
 * connection instead, and serves every cache of the service.
 * Every command is bounded by the command timeout (default 250 ms, far below Lettuce's 60 s): a
 * stopped or unreachable server costs a caller at most that long, and the cache's circuit breaker
 * stops even that while the server stays down. TTLs are sent in whole milliseconds ({@code SET PX}),
 * rounded up: a TTL under 1 ms is sent as 1 ms, and 1.5 ms as 2 ms, so that a key never expires
 * before the time it was given (Redis refuses {@code PX 0});
 * {@code getAll} is one {@code MGET} (on a cluster, one per slot, in parallel); reads of a cache
 * with a sliding TTL are {@code GETEX key PX ms}, which reads and moves the TTL in one command
 * (pipelined, one per key, for {@code getAllAndTouch}; needs Redis 6.2); {@code putAll} is
 * pipelined; deletes use {@code UNLINK}; clearing a cache is {@code SCAN MATCH <prefix>*} and {@code
 * UNLINK} on every master, with glob characters of the prefix escaped — never {@code KEYS} or {@code
 * FLUSHDB}.
 *
 * <p>A store can be made while Redis is down: it connects in the background, its calls fail at once
 * until then, and it serves as soon as the server answers, with no restart ({@link
 * Builder#build()}).
 *
 * <p>Thread-safe. Close it to close its connection; the client stays the caller's. Closing a
 * backend's store does nothing: the backend closes the connection.
 */
public final class RedisTier implements RemoteStore, TagSetStore {
  /** Redis's own limit on a bulk string. */
  private static final int REDIS_MAX_VALUE_BYTES = 512 * 1024 * 1024;

  /**
   * KEYS[1] the entry, KEYS[2..] its tag sets; ARGV[1] the value, ARGV[2] its TTL in ms ("" for
   * none), ARGV[3] the sets' TTL in ms ("" for none: the entry never expires, so neither may its
   * sets). A set the script creates gets the TTL; an existing one is only ever lengthened, one
   * without a TTL keeps none, and an entry without a TTL takes its sets' TTL away.
   */
  private static final String PUT_TAGGED =
      "if ARGV[2] == '' then redis.call('SET', KEYS[1], ARGV[1]) else redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2]) end\n"
          + "for i = 2, #KEYS do\n"
          + "  local existed = redis.call('EXISTS', KEYS[i])\n"
          + "  redis.call('SADD', KEYS[i], KEYS[1])\n"
          + "  if ARGV[3] == '' then\n"
          + "    redis.call('PERSIST', KEYS[i])\n"
          + "  else\n"
          + "    local left = redis.call('PTTL', KEYS[i])\n"
          + "    if existed == 0 or (left >= 0 and left < tonumber(ARGV[3])) then redis.call('PEXPIRE', KEYS[i], ARGV[3]) end\n"
          + "  end\n"
          + "end\n"
          + "return 1";

  /** KEYS[1] a tag set: unlinks its members (in batches of 1 000) and the set, atomically. */
  private static final String DELETE_TAG_SET =
      "local members = redis.call('SMEMBERS', KEYS[1])\n"
          + "for i = 1, #members, 1000 do redis.call('UNLINK', unpack(members, i, math.min(i + 999, #members))) end\n"
          + "redis.call('UNLINK', KEYS[1])\n"
          + "return #members";

  private final RedisLink link;
  private final StoreCapabilities capabilities;

  private static final String DELETE_IF_UNCHANGED =
      "if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) else return 0 end";

  private RedisTier(RedisLink link, int maxValueBytes) {
    this.link = link;
    this.capabilities = new StoreCapabilities(1024, true, maxValueBytes, false, true);
  }

  /**
   * Returns a store on {@code client} (standalone or Sentinel) with the default options; see {@link
   * Builder#build()} for a server that cannot be reached yet.
   */
  public static RedisTier create(RedisClient client) {
    return builder(client).build();
  }

  /** Returns a store on the cluster of {@code client} with the default options. */
  public static RedisTier create(RedisClusterClient client) {
    return builder(client).build();
  }

  /** Returns a builder of a store on {@code client} (standalone or Sentinel). */
  public static Builder builder(RedisClient client) {
    return new Builder(Objects.requireNonNull(client, "client"), null);
  }

  /** Returns a builder of a store on the cluster of {@code client}. */
  public static Builder builder(RedisClusterClient client) {
    return new Builder(null, Objects.requireNonNull(client, "client"));
  }

  @Override
  public StoreCapabilities capabilities() {
    return capabilities;
  }

  @Override
  public CompletableFuture<byte @Nullable []> get(String key) {
    return link.get(key);
  }

  @Override
  public CompletableFuture<Map<String, byte[]>> getAll(Collection<String> keys) {
    return link.mget(new ArrayList<>(keys));
  }

  /** One {@code MGET} (as {@link #getAll}), whose answer is already in the keys' order. */
  @Override
  public CompletableFuture<List<byte @Nullable []>> getAllInOrder(List<String> keys) {
    return link.mgetInOrder(keys.toArray(String[]::new));
  }

  /**
   * One {@code MGET} as {@link #getAllInOrder(List)}, whose values {@code reader} reads on Lettuce's
   * I/O thread from the buffer they arrived in; on a cluster (where an {@code MGET} is split by slot)
   * the default, {@code reader} run on each value once the answer is complete.
   */
  @Override
  public <T> CompletableFuture<List<@Nullable T>> getAllInOrder(List<String> keys, ValueReader<? extends T> reader) {
    if (link.isCluster()) {
      return RemoteStore.super.getAllInOrder(keys, reader);
    }
    return link.mgetInOrder(keys.toArray(String[]::new), reader);
  }

  /** One Lua script per key ({@code GET} and {@code PTTL}): value and remaining TTL, atomically. */
  @Override
  public CompletableFuture<@Nullable TimedValue> getWithTtl(String key) {
    return link.getWithTtl(key);
  }

  /** One script per key ({@link #getWithTtl}), pipelined: one round trip per server. */
  @Override
  public CompletableFuture<Map<String, TimedValue>> getAllWithTtl(Collection<String> keys) {
    List<String> all = new ArrayList<>(keys);
    List<CompletableFuture<@Nullable TimedValue>> reads = new ArrayList<>(all.size());
    all.forEach(key -> reads.add(getWithTtl(key)));
    return CompletableFuture.allOf(reads.toArray(CompletableFuture[]::new))
        .thenApply(
            done -> {
              Map<String, TimedValue> found = new java.util.HashMap<>();
              for (int i = 0; i < all.size(); i++) {
                TimedValue value = reads.get(i).join();
                if (value != null) {
                  found.put(all.get(i), value);
                }
              }
              return found;
            });
  }

  /** {@code GETEX key PX <ttl in ms>}: one command, atomic, routed to the key's slot on a cluster. */
  @Override
  public CompletableFuture<byte @Nullable []> getAndTouch(String key, Duration ttl) {
    return link.getex(key, Objects.requireNonNull(ttl, "ttl"));
  }

  /** One pipelined {@code GETEX PX} per key: one round trip per server. */
  @Override
  public CompletableFuture<Map<String, byte[]>> getAllAndTouch(Collection<String> keys, Duration ttl) {
    return link.getexAll(new ArrayList<>(keys), Objects.requireNonNull(ttl, "ttl"));
  }

  @Override
  public CompletableFuture<Void> put(String key, byte[] value, @Nullable Duration ttl) {
    return link.set(key, value, ttl);
  }

  @Override
  public CompletableFuture<Void> putAll(Map<String, Write> writes) {
    List<CompletableFuture<Void>> sets = new ArrayList<>(writes.size());
    writes.forEach((key, write) -> sets.add(link.set(key, write.value(), write.ttl())));
    return CompletableFuture.allOf(sets.toArray(CompletableFuture[]::new));
  }

  @Override
  public CompletableFuture<Boolean> putIfAbsent(String key, byte[] value, @Nullable Duration ttl) {
    return link.setIfAbsent(key, value, ttl);
  }

  @Override
  public CompletableFuture<Void> delete(String key) {
    return link.unlink(List.of(key));
  }

  /** Compares and deletes in one step: a Lua script ({@code GET}, then {@code DEL} if equal). */
  @Override
  public CompletableFuture<Boolean> deleteIfUnchanged(String key, byte[] expected) {
    return link.evalOnKey(DELETE_IF_UNCHANGED, key, expected).thenApply(deleted -> deleted != null && deleted > 0);
  }

  @Override
  public CompletableFuture<Void> deleteAll(Collection<String> keys) {
    return link.unlink(new ArrayList<>(keys));
  }

  @Override
  public CompletableFuture<Void> deleteByPrefix(String prefix) {
    return link.unlinkMatching(escapeGlob(prefix) + "*");
  }

  /** {@code false} on Redis Cluster, whose tag sets and members would live in different slots. */
  @Override
  public boolean tagSetsSupported() {
    return !link.isCluster();
  }

  /**
   * One Lua script: {@code SET key value PX ttl}, then for each set {@code SADD set key} and a TTL of
   * at least {@code setTtl} ({@code PEXPIRE}; a set's TTL is never shortened). Atomic; standalone
   * and Sentinel only ({@link #tagSetsSupported()}).
   */
  @Override
  public CompletableFuture<Void> putTagged(
      String key, byte[] value, @Nullable Duration ttl, Collection<String> setKeys, @Nullable Duration setTtl) {
    List<String> keys = new ArrayList<>(setKeys.size() + 1);
    keys.add(key);
    keys.addAll(setKeys);
    return link.eval(PUT_TAGGED, keys, value, millis(ttl), millis(setTtl)).thenApply(done -> null);
  }

  /** One Lua script: {@code SMEMBERS}, {@code UNLINK} of the members, {@code UNLINK} of the set; atomic. */
  @Override
  public CompletableFuture<Void> deleteTagSet(String setKey) {
    return link.eval(DELETE_TAG_SET, List.of(setKey)).thenApply(count -> null);
  }

  /** A script's TTL argument: {@code ""} for none, else {@link ExpiryMillis} in decimal. */
  private static byte[] millis(@Nullable Duration ttl) {
    return (ttl == null ? "" : Long.toString(ExpiryMillis.of(ttl))).getBytes(java.nio.charset.StandardCharsets.UTF_8);
  }

  /** Returns the server's statistics, summed over every master. */
  public CompletableFuture<RedisServerStats> serverStats() {
    return RedisServerStats.read(link);
  }

  /**
   * Closes this store's connection (not the Lettuce client); does nothing on the store of a {@link
   * RedisBackend}, whose connection the backend closes.
   */
  @Override
  public void close() {
    link.close();
  }

  /** Escapes the characters {@code SCAN MATCH} treats as glob syntax. */
  static String escapeGlob(String text) {
    StringBuilder escaped = new StringBuilder(text.length() + 8);
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c == '*' || c == '?' || c == '[' || c == ']' || c == '\\' || c == '^' || c == '-') {
        escaped.append('\\');
      }
      escaped.append(c);
    }
    return escaped.toString();
  }

  /** Options of a {@link RedisTier}. Not thread-safe; each option may be set once. */
  public static final class Builder {
    private final @Nullable RedisClient client;
    private final @Nullable RedisClusterClient clusterClient;
    private @Nullable Duration commandTimeout;
    private @Nullable Integer maxValueBytes;
    private @Nullable Integer maxCommandsInFlight;

    private Builder(@Nullable RedisClient client, @Nullable RedisClusterClient clusterClient) {
      this.client = client;
      this.clusterClient = clusterClient;
    }

    /**
     * Bounds every command (default 250 ms).
     *
     * @throws IllegalArgumentException if not positive
     */
    public Builder commandTimeout(Duration commandTimeout) {
      Objects.requireNonNull(commandTimeout, "commandTimeout");
      if (this.commandTimeout != null) {
        throw new IllegalStateException("commandTimeout was already set to " + this.commandTimeout);
      }
      this.commandTimeout = RedisOptions.positive(commandTimeout, "commandTimeout");
      return this;
    }

    /**
     * Rejects values larger than {@code maxValueBytes} before sending (default: Redis's 512 MiB).
     *
     * @throws IllegalArgumentException if not positive
     */
    public Builder maxValueBytes(int maxValueBytes) {
      if (this.maxValueBytes != null) {
        throw new IllegalStateException("maxValueBytes was already set to " + this.maxValueBytes);
      }
      if (maxValueBytes <= 0) {
        throw new IllegalArgumentException("maxValueBytes must be positive, was " + maxValueBytes);
      }
      this.maxValueBytes = maxValueBytes;
      return this;
    }

    /**
     * Bounds how many commands may await Redis's answer at once on the store's connection (default
     * 50 000). A server that stops answering while the connection stays open keeps every command
     * sent meanwhile queued in Lettuce, however long ago its caller's timeout passed; beyond this
     * bound each new command fails at once with a {@link dev.cascade.cache.CacheUnavailableException}
     * (a cache's read fails open, a write throws), counted by the backend, instead of the queue
     * growing until the heap is gone.
     *
     * @throws IllegalArgumentException if not positive
     */
    public Builder maxCommandsInFlight(int maxCommandsInFlight) {
      if (this.maxCommandsInFlight != null) {
        throw new IllegalStateException("maxCommandsInFlight was already set to " + this.maxCommandsInFlight);
      }
      if (maxCommandsInFlight <= 0) {
        throw new IllegalArgumentException("maxCommandsInFlight must be positive, was " + maxCommandsInFlight);
      }
      this.maxCommandsInFlight = maxCommandsInFlight;
      return this;
    }

    /**
     * Connects and returns the store. If Redis cannot be reached now, the store is returned all the
     * same and connects in the background (first retry after 100 ms, then at doubling intervals up
     * to 2 s); until then each of its calls fails at once with a {@link
     * dev.cascade.cache.CacheUnavailableException}, which a cache absorbs on reads (the loader runs)
     * and reports on writes. Waits at most the client's connect timeout.
     */
    public RedisTier build() {
      return buildOn(connect());
    }

    /** Opens a connection with the command timeout set here, for a store or a whole backend (see {@link #build()}). */
    RedisLink connect() {
      return connect(commandTimeout == null ? Duration.ofMillis(250) : commandTimeout);
    }

    /** Opens a connection whose commands are bounded by {@code timeout} instead (see {@link #build()}). */
    RedisLink connect(Duration timeout) {
      int max = maxCommandsInFlight == null ? RedisLink.DEFAULT_MAX_IN_FLIGHT : maxCommandsInFlight;
      return client != null
          ? RedisLink.connect(client, timeout, max)
          : RedisLink.connect(Objects.requireNonNull(clusterClient), timeout, max);
    }

    /**
     * Opens a connection now, bounded by {@code timeout}.
     *
     * @throws dev.cascade.cache.CacheUnavailableException if Redis cannot be reached
     */
    RedisLink connectNow(Duration timeout) {
      return client != null ? RedisLink.connectNow(client, timeout) : RedisLink.connectNow(Objects.requireNonNull(clusterClient), timeout);
    }

    /** Returns a store with the options set here on {@code link}; closing the store closes {@code link}. */
    RedisTier buildOn(RedisLink link) {
      return new RedisTier(link, maxValueBytes == null ? REDIS_MAX_VALUE_BYTES : maxValueBytes);
    }
  }
}
