package dev.cascade.cache.redis;

import dev.cascade.cache.redis.internal.RedisLink;
import io.lettuce.core.RedisClient;
import io.lettuce.core.cluster.RedisClusterClient;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.locks.ReentrantLock;
import org.jspecify.annotations.Nullable;

/**
 * The Redis side of one service instance: made once, it owns the connections and hands out, for
 * any number of caches, the {@linkplain #store() store}, the {@linkplain #stampedeLock() stampede
 * lock} and the {@linkplain #invalidation() invalidation channel}. A cache opens no connection of
 * its own, so the number of connections does not grow with the number of caches.
 *
 * <pre>{@code
 * RedisClient redis = RedisClient.create("redis://localhost:6379");
 * try (RedisBackend backend = RedisBackend.create(redis)) {
 *   Cache<Long, Product> products = Cache.<Long, Product>builder("products")
 *       .inMemory(m -> m.maximumSize(10_000))
 *       .tier(backend.store())
 *       .valueCodec(JsonCodec.of(Product.class))
 *       .invalidation(backend.invalidation())
 *       .stampede(Stampede.distributed(backend.stampedeLock()))
 *       .build();
 *   ...
 * } finally {
 *   redis.shutdown();
 * }
 * }</pre>
 *
 * <p>Connections, whatever the number of caches:
 *
 * <ul>
 *   <li>one command connection, opened by {@code create} / {@code build} (or in the background, if
 *       Redis is not reachable then): the store, the lock, the
 *       server statistics and the channel's publishes, heartbeats and acknowledgements all go
 *       through it (Lettuce pipelines concurrent commands on it);
 *   <li>one pub/sub connection, opened by the first call of {@link #invalidation()} (with the
 *       channel's heartbeat thread); a backend whose caches have no in-process tier never opens it.
 * </ul>
 *
 * <p>So a standalone or Sentinel-managed server sees {@link #CONNECTIONS} clients of a backend whose
 * channel is in use. On Redis Cluster Lettuce opens connections per node as commands reach them: a
 * backend holds at most {@link #clusterConnections(int)} connections over the cluster's masters.
 *
 * <p>The store, lock and channel are the same objects on every call; their own {@code close()}
 * does nothing, so a cache or a caller that closes them cannot cut off the other caches. {@link
 * #close()} closes them all. The Lettuce client stays the caller's.
 *
 * <p>Thread-safe.
 */
public final class RedisBackend implements AutoCloseable {
  /**
   * The connections a backend holds to a standalone (or Sentinel-managed) server once its
   * invalidation channel is in use: one for commands, one subscribed to the channel.
   */
  public static final int CONNECTIONS = 2;

  private final RedisLink link;
  private final RedisTier store;
  private final RedisStampedeLock lock;
  private final RedisInvalidation.Builder channelOptions;
  private final RedisTier.Builder storeOptions;
  private final ReentrantLock lifecycle = new ReentrantLock();
  private @Nullable RedisInvalidation channel; // guarded by lifecycle
  private volatile boolean closed;

  private RedisBackend(RedisLink link, RedisTier.Builder storeOptions, RedisInvalidation.Builder channelOptions) {
    this.link = link;
    this.store = storeOptions.buildOn(link.borrowed());
    this.lock = new RedisStampedeLock(link.borrowed());
    this.channelOptions = channelOptions;
    this.storeOptions = storeOptions;
  }

  /**
   * Returns a backend on {@code client} (standalone or Sentinel) with the default options; see
   * {@link Builder#build()} for a server that cannot be reached yet.
   */
  public static RedisBackend create(RedisClient client) {
    return builder(client).build();
  }

  /**
   * Returns a backend on the cluster of {@code client} with the default options; see {@link
   * Builder#build()} for a cluster that cannot be reached yet.
   */
  public static RedisBackend create(RedisClusterClient client) {
    return builder(client).build();
  }

  /** Returns a builder of a backend on {@code client} (standalone or Sentinel). */
  public static Builder builder(RedisClient client) {
    Objects.requireNonNull(client, "client");
    return new Builder(RedisTier.builder(client), RedisInvalidation.builder(client));
  }

  /** Returns a builder of a backend on the cluster of {@code client}. */
  public static Builder builder(RedisClusterClient client) {
    Objects.requireNonNull(client, "client");
    return new Builder(RedisTier.builder(client), RedisInvalidation.builder(client));
  }

  /**
   * Returns the most connections a backend holds over a Redis Cluster of {@code masters} masters
   * once its channel is in use: one per master (Lettuce's node connections, opened as commands reach
   * each node; they carry the store's, lock's and channel's keyed commands), plus Lettuce's default
   * connection of the command connection (keyless commands such as {@code PUBLISH}) and the
   * pub/sub connection, each on one node.
   *
   * @throws IllegalArgumentException if {@code masters} is not positive
   */
  public static int clusterConnections(int masters) {
    if (masters <= 0) {
      throw new IllegalArgumentException("masters must be positive, was " + masters);
    }
    return masters + 2;
  }

  /**
   * Returns the store for {@code CacheBuilder.tier(...)}; the same object for every cache.
   *
   * @throws IllegalStateException if the backend is closed
   */
  public RedisTier store() {
    requireOpen();
    return store;
  }

  /**
   * Returns the lease for {@code Stampede.distributed(...)}; the same object for every cache.
   *
   * @throws IllegalStateException if the backend is closed
   */
  public RedisStampedeLock stampedeLock() {
    requireOpen();
    return lock;
  }

  /**
   * Returns the invalidation channel for {@code CacheBuilder.invalidation(...)}; the same object for
   * every cache (it tells caches apart by name). The first call opens the pub/sub connection,
   * subscribes, announces this instance and waits for the others' acknowledgement (at most the
   * channel's {@code ackTimeout}); later calls return at once. If Redis cannot be reached, the
   * channel is returned all the same and starts in the background once it can (see {@link
   * RedisInvalidation}); until then it does not deliver, so layered caches keep nothing new in their
   * in-process tier.
   *
   * @throws IllegalStateException if the backend is closed
   */
  public RedisInvalidation invalidation() {
    lifecycle.lock();
    try {
      requireOpen();
      if (channel == null) {
        channel = channelOptions.buildOn(link.borrowed());
      }
      return channel;
    } finally {
      lifecycle.unlock();
    }
  }

  /**
   * Returns a link on the backend's command connection (closing it does nothing), for the
   * write-behind queues the backend serves.
   *
   * @throws IllegalStateException if the backend is closed
   */
  RedisLink commandLink() {
    requireOpen();
    return link.borrowed();
  }

  /**
   * Opens a connection of its own, owned by the caller, whose commands are bounded by {@code
   * timeout}: for a write-behind consumer's blocking reads, which would hold up every other command
   * on the shared connection.
   *
   * @throws IllegalStateException if the backend is closed
   * @throws dev.cascade.cache.CacheException if the server cannot be reached
   */
  RedisLink openLink(Duration timeout) {
    requireOpen();
    return storeOptions.connectNow(timeout);
  }

  /**
   * Returns how many commands of the backend's command connection (store and lock) await Redis's
   * answer now: near {@code maxCommandsInFlight}, the server is slow or unreachable. Thread-safe.
   */
  public int commandsInFlight() {
    return link.commandsInFlight();
  }

  /**
   * Returns how many commands the backend refused so far because {@code maxCommandsInFlight}
   * already awaited an answer (each failed with a {@link dev.cascade.cache.CacheUnavailableException}).
   * Thread-safe.
   */
  public long refusedCommandCount() {
    return link.refusedCommands();
  }

  /** Returns the server's statistics, summed over every master; see {@link RedisTier#serverStats()}. */
  public CompletableFuture<RedisServerStats> serverStats() {
    return store.serverStats();
  }

  /**
   * Closes everything the backend opened: the channel first (it says goodbye, removes its marker key
   * and stops its heartbeat thread, as {@link RedisInvalidation#close()} does), then the command
   * connection. Caches built on the backend stop reaching Redis: close them first. Later calls of
   * {@link #store()}, {@link #stampedeLock()} and {@link #invalidation()} throw {@link
   * IllegalStateException}; the objects they returned fail their calls with a {@link
   * dev.cascade.cache.CacheException}. Idempotent; the Lettuce client stays open.
   */
  @Override
  public void close() {
    lifecycle.lock();
    try {
      if (closed) {
        return;
      }
      closed = true;
      if (channel != null) {
        channel.shutdown();
      }
      link.close();
    } finally {
      lifecycle.unlock();
    }
  }

  private void requireOpen() {
    if (closed) {
      throw new IllegalStateException("the Redis backend is closed");
    }
  }

  /**
   * Options of a {@link RedisBackend}: those of its store and of its invalidation channel. Not
   * thread-safe; each option may be set once (a second time throws {@link IllegalStateException}).
   */
  public static final class Builder {
    private final RedisTier.Builder storeOptions;
    private final RedisInvalidation.Builder channelOptions;

    private Builder(RedisTier.Builder storeOptions, RedisInvalidation.Builder channelOptions) {
      this.storeOptions = storeOptions;
      this.channelOptions = channelOptions;
    }

    /**
     * Bounds every command of the store, the lock and the channel (default 250 ms).
     *
     * @throws IllegalArgumentException if not positive
     */
    public Builder commandTimeout(Duration commandTimeout) {
      storeOptions.commandTimeout(commandTimeout);
      return this;
    }

    /**
     * Bounds how many commands may await Redis's answer at once on the backend's command connection
     * (default 50 000); beyond it each command fails at once; see {@link
     * RedisTier.Builder#maxCommandsInFlight} and {@link RedisBackend#refusedCommandCount()}.
     *
     * @throws IllegalArgumentException if not positive
     */
    public Builder maxCommandsInFlight(int maxCommandsInFlight) {
      storeOptions.maxCommandsInFlight(maxCommandsInFlight);
      return this;
    }

    /**
     * Makes the store reject values larger than {@code maxValueBytes} before sending (default:
     * Redis's 512 MiB).
     *
     * @throws IllegalArgumentException if not positive
     */
    public Builder maxValueBytes(int maxValueBytes) {
      storeOptions.maxValueBytes(maxValueBytes);
      return this;
    }

    /**
     * Sets the invalidation channel's pub/sub channel (default {@code cascade:invalidation}); the
     * instances of a service must agree on it.
     *
     * @throws IllegalArgumentException if empty
     */
    public Builder invalidationChannel(String channel) {
      channelOptions.channel(channel);
      return this;
    }

    /**
     * Sets the invalidation channel's heartbeat (default 500 ms); see {@link
     * RedisInvalidation.Builder#heartbeat} (the marker key's TTL, 20 beats, is sent in whole
     * milliseconds rounded up, at least 1 ms).
     *
     * @throws IllegalArgumentException if not positive
     */
    public Builder heartbeat(Duration heartbeat) {
      channelOptions.heartbeat(heartbeat);
      return this;
    }

    /**
     * Sets how long a write waits for other instances' acknowledgements (default 250 ms); see
     * {@link RedisInvalidation.Builder#ackTimeout}.
     *
     * @throws IllegalArgumentException if not positive
     */
    public Builder ackTimeout(Duration ackTimeout) {
      channelOptions.ackTimeout(ackTimeout);
      return this;
    }

    /**
     * Chooses what a write does when another instance has not acknowledged its invalidation within
     * {@code ackTimeout} (default {@link RedisInvalidation.Unacknowledged#PROCEED}); see {@link
     * RedisInvalidation.Builder#unacknowledged}.
     */
    public Builder unacknowledged(RedisInvalidation.Unacknowledged unacknowledged) {
      channelOptions.unacknowledged(unacknowledged);
      return this;
    }

    /**
     * Opens the command connection and returns the backend; the pub/sub connection waits for the
     * first {@link RedisBackend#invalidation()}. If Redis cannot be reached now (it waits at most
     * the client's connect timeout), the backend is returned all the same and connects in the
     * background, first after 100 ms, then at doubling intervals up to 2 s: until then the store's
     * and the lock's calls fail at once with a {@link dev.cascade.cache.CacheUnavailableException}
     * (caches read through their loaders and report their writes), and once Redis answers they are
     * served with no restart.
     */
    public RedisBackend build() {
      return new RedisBackend(storeOptions.connect(), storeOptions, channelOptions);
    }
  }

  @Override
  public String toString() {
    return "RedisBackend[" + (link.isCluster() ? "cluster" : "standalone") + (closed ? ", closed]" : "]");
  }
}
