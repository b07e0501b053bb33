package dev.cascade.cache.memcached;

import dev.cascade.cache.memcached.internal.MemcachedStore;
import dev.cascade.cache.spi.RemoteStore;
import dev.cascade.cache.spi.StoreCapabilities;
import dev.cascade.cache.spi.ValueReader;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import org.jspecify.annotations.Nullable;

/**
 * A {@link RemoteStore} on one memcached server or a consistently hashed pool of them, spoken to
 * with memcached's meta protocol (memcached 1.6.10 or later) over pipelined Netty connections.
 *
 * <p>Get tiers from a {@link MemcachedBackend}, made once per service instance: its tiers share its
 * connections, whatever the number of caches.
 *
 * <pre>{@code
 * MemcachedBackend memcached = MemcachedBackend.create("cache-1:11211", "cache-2:11211", "cache-3:11211");
 * Cache<Long, Product> products = Cache.<Long, Product>builder("products")
 *     .inMemory(m -> m.maximumSize(10_000).ttl(Duration.ofSeconds(30)))
 *     .tier(memcached.tier())
 *     .valueCodec(JsonCodec.of(Product.class))
 *     .stampede(Stampede.distributed(memcached.stampedeLock()))
 *     .ttl(Duration.ofMinutes(10))
 *     .build();
 * }</pre>
 *
 * <p>What it does for core, by memcached's rules:
 *
 * <ul>
 *   <li>Keys go out base64-encoded (meta flag {@code b}), so no key can break the protocol; keys over
 *       186 bytes (248 characters once encoded; memcached takes 250) are sent as their SHA-256.
 *   <li>Keys are placed on servers by libmemcached-compatible ketama; a server that is down fails
 *       its own keys at once (reads of several keys treat them as misses) and is reconnected in the
 *       background with a capped, doubling delay; the other servers' keys are unaffected.
 *   <li>TTLs are sent in whole seconds, rounded up (never 0 for a positive TTL); over 30 days they are
 *       sent as an absolute Unix time by the configured clock.
 *   <li>{@link #deleteByPrefix} (a cache's {@code invalidateAll()}) gives the cache's namespace a new
 *       version on every server; values of older versions are never served again.
 *   <li>A cache with raw values ({@code RemoteLayout.rawValues()}) gets a view of this tier that
 *       reads and writes items as other memcached clients do (client flags 0, read 0 or 16; see
 *       {@link #forLayout}); its {@code invalidateAll()} throws {@link UnsupportedOperationException}.
 *   <li>Values over the item size limit are refused with {@link IllegalArgumentException} before
 *       anything is sent.
 *   <li>Reads of a cache with a sliding TTL ({@link #getAndTouch}, {@link #getAllAndTouch}) are meta
 *       gets with the {@code T} flag: value and new TTL in one command.
 * </ul>
 *
 * <p>Thread-safe. Futures complete on the I/O threads unless a completion executor is configured
 * (Cascade's caches never run loaders there). Once the backend is closed, every call fails through
 * its future with {@link IllegalStateException}. Closing a cache does not close its tier.
 */
public final class MemcachedTier implements RemoteStore {
  private final MemcachedBackend backend;
  private final MemcachedStore store;
  private final StoreCapabilities capabilities;
  private final boolean ownsBackend;

  MemcachedTier(MemcachedBackend backend, MemcachedStore store, boolean ownsBackend) {
    this.backend = backend;
    this.store = store;
    this.ownsBackend = ownsBackend;
    // maxKeyBytes 250: longer keys are hashed by core; keys over 186 bytes by this store.
    this.capabilities = new StoreCapabilities(250, false, store.maxValueBytes(), false, true);
  }

  /**
   * Returns a tier with a backend of its own on {@code servers} ({@code host:port}), default
   * settings; see {@link #create(MemcachedConfig)}.
   *
   * @throws IllegalArgumentException if an address is malformed or none is given
   */
  public static MemcachedTier create(String... servers) {
    return create(MemcachedConfig.builder().servers(servers).build());
  }

  /**
   * Returns a tier with a backend of its own on the servers of {@code config}: it opens {@link
   * MemcachedConfig#connectionsPerServer()} connections to each server, and its {@link #close()}
   * closes them. For several caches, share one {@link MemcachedBackend} instead (or this one tier):
   * each call of this method opens a pool of its own. Waits at most the connect timeout for the
   * first connections; servers not reachable yet are retried in the background and fail their keys
   * fast meanwhile.
   *
   * @throws IllegalStateException if {@code config} asks for {@link MemcachedConfig.Transport#EPOLL}
   *     and Netty's native epoll library does not load here
   */
  public static MemcachedTier create(MemcachedConfig config) {
    return MemcachedBackend.create(Objects.requireNonNull(config, "config")).newTier(true);
  }

  MemcachedStore store() {
    return store;
  }

  /** Returns the backend: the tiers of one backend share their servers, so one circuit breaker. */
  @Override
  public Object failureDomain() {
    return backend;
  }

  MemcachedBackend backend() {
    return backend;
  }

  @Override
  public StoreCapabilities capabilities() {
    return capabilities;
  }

  @Override
  public CompletableFuture<byte @Nullable []> get(String key) {
    return backend.handOff(store.get(key));
  }

  @Override
  public CompletableFuture<Map<String, byte[]>> getAll(Collection<String> keys) {
    return backend.handOff(store.getAll(keys));
  }

  /** The same multi-get as {@link #getAll}, each value put at its key's position: no map built. */
  @Override
  public CompletableFuture<List<byte @Nullable []>> getAllInOrder(List<String> keys) {
    return backend.handOff(store.getAllInOrder(keys));
  }

  /**
   * The same multi-get, each value read by {@code reader}: for a classic {@code get} (keys that are
   * printable ASCII) on the client's I/O thread, from the buffer the value arrived in; else once the
   * server's answer is in.
   */
  @Override
  public <T> CompletableFuture<List<@Nullable T>> getAllInOrder(List<String> keys, ValueReader<? extends T> reader) {
    return backend.handOff(store.getAllInOrder(keys, reader));
  }

  /**
   * Reads {@code key} and moves its TTL with one meta get carrying the {@code T} flag ({@code mg
   * <key> v f T<seconds>}); the TTL is rounded up to whole seconds, as on writes.
   */
  @Override
  public CompletableFuture<byte @Nullable []> getAndTouch(String key, Duration ttl) {
    return backend.handOff(store.getAndTouch(key, ttl));
  }

  /** One batch of meta gets with the {@code T} flag per server, servers in parallel. */
  @Override
  public CompletableFuture<Map<String, byte[]>> getAllAndTouch(Collection<String> keys, Duration ttl) {
    return backend.handOff(store.getAllAndTouch(keys, ttl));
  }

  @Override
  public CompletableFuture<Void> put(String key, byte[] value, @Nullable Duration ttl) {
    return backend.handOff(store.put(key, value, ttl));
  }

  @Override
  public CompletableFuture<Void> putAll(Map<String, Write> writes) {
    return backend.handOff(store.putAll(writes));
  }

  @Override
  public CompletableFuture<Boolean> putIfAbsent(String key, byte[] value, @Nullable Duration ttl) {
    return backend.handOff(store.putIfAbsent(key, value, ttl));
  }

  @Override
  public CompletableFuture<Void> delete(String key) {
    return backend.handOff(store.delete(key));
  }

  @Override
  public CompletableFuture<Boolean> deleteIfUnchanged(String key, byte[] expected) {
    return backend.handOff(store.deleteIfUnchanged(key, expected));
  }

  @Override
  public CompletableFuture<Void> deleteAll(Collection<String> keys) {
    return backend.handOff(store.deleteAll(keys));
  }

  /**
   * Invalidates every key starting with {@code prefix}, which must be a namespace of the form
   * {@code <a>:<b>:} (core's {@code <prefix>:<cache>:}); other prefixes fail with {@link
   * IllegalArgumentException}. Fails with a {@link dev.cascade.cache.CacheException} if a server is
   * down (the others are invalidated).
   */
  @Override
  public CompletableFuture<Void> deleteByPrefix(String prefix) {
    return backend.handOff(store.deleteByPrefix(prefix));
  }

  /**
   * {@code true}: a cache with a {@code RemoteLayout} on this tier works through {@link #forLayout},
   * which says what each layout gets on memcached.
   */
  @Override
  public boolean supportsRawLayout() {
    return true;
  }

  /**
   * Returns the store a cache with a {@code RemoteLayout} uses; called by {@code CacheBuilder.build()}.
   *
   * <ul>
   *   <li>Raw values ({@code rawValues}): a view on this tier's connections that reads and writes items
   *       as other memcached clients do. Values are the codec's bytes, written with client flags 0,
   *       which is how spymemcached's and xmemcached's {@code SerializingTranscoder} store a {@code
   *       String} and how pymemcache's default client stores {@code str}/{@code bytes}; a value read is
   *       text if its flags are 0 or 16 (pymemcache's {@code python_memcache_serializer} and
   *       python-memcached mark {@code str} with 16). A value with any other flags (a Java-serialized
   *       object, a byte array, a compressed or pickled value) is never decoded: the cache counts it as
   *       a decode failure, deletes it if unchanged and loads, as for a value its codec rejects (with a
   *       sliding TTL it is a plain miss). Keys go out as they are (printable ASCII up to 250 bytes),
   *       so other clients find them by name; TTLs are memcached's expiry, and reads fetch the time
   *       left ({@code mg <key> v f t}, whole seconds). {@code invalidateAll()} is refused: its future
   *       (or the blocking call) fails with {@link UnsupportedOperationException}, since memcached
   *       cannot list keys and the namespace version of the default layout lives in the client flags
   *       that other clients own; {@code invalidate} and {@code invalidateAll(keys)} work.
   *   <li>Enveloped values under a key template: this tier itself, if the template's literal is a
   *       namespace of the form {@code <a>:<b>:} ({@code app:users:}), whose version {@code
   *       invalidateAll()} renews as for the default layout.
   * </ul>
   *
   * @throws IllegalStateException for enveloped values under a literal that is not of the form {@code
   *     <a>:<b>:}: its {@code invalidateAll()} could not be kept
   */
  @Override
  public RemoteStore forLayout(String namespace, boolean rawValues) {
    Objects.requireNonNull(namespace, "namespace");
    if (rawValues) {
      return new RawMemcachedStore(this, namespace);
    }
    if (!MemcachedStore.isNamespace(namespace)) {
      throw new IllegalStateException(
          "memcached keeps invalidateAll() of enveloped values as a version per namespace of the form <a>:<b>:,"
              + " and the key template's literal \"" + namespace + "\" is not one: use a literal such as"
              + " \"app:users:\", or rawValues()");
    }
    return this;
  }

  /** Returns the servers of the pool, {@code host:port}, in configuration order. */
  public List<String> servers() {
    return backend.servers();
  }

  /** Returns the server ({@code host:port}) that holds {@code key}. */
  public String serverFor(String key) {
    return store.serverFor(key);
  }

  /**
   * Returns a future of each server's statistics, in configuration order; a server that is down or
   * does not answer has {@code up == false} and zero counts. See {@link MemcachedBackend#stats()}.
   */
  public CompletableFuture<List<MemcachedServerStats>> stats() {
    return backend.stats();
  }

  /**
   * Closes the backend if this tier has one of its own ({@link #create(MemcachedConfig)}); a tier
   * from {@link MemcachedBackend#tier()} shares its backend's connections, and closing it does
   * nothing.
   */
  @Override
  public void close() {
    if (ownsBackend) {
      backend.close();
    }
  }

  @Override
  public String toString() {
    return "MemcachedTier" + servers();
  }
}
