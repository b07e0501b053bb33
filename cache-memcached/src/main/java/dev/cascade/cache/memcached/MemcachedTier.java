package dev.cascade.cache.memcached;

import dev.cascade.cache.CacheException;
import dev.cascade.cache.memcached.internal.MemcachedClient;
import dev.cascade.cache.memcached.internal.MemcachedStore;
import dev.cascade.cache.memcached.internal.ServerNode;
import dev.cascade.cache.spi.RemoteStore;
import dev.cascade.cache.spi.StoreCapabilities;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import org.jspecify.annotations.Nullable;

/**
 * A {@link RemoteStore} on one memcached server or a consistently hashed pool of them, spoken to
 * with memcached's meta protocol (memcached 1.6.10 or later) over pipelined Netty connections.
 *
 * <pre>{@code
 * MemcachedTier memcached = MemcachedTier.create("cache-1:11211", "cache-2:11211", "cache-3:11211");
 * Cache<Long, Product> products = Cache.<Long, Product>builder("products")
 *     .inMemory(m -> m.maximumSize(10_000).ttl(Duration.ofSeconds(30)))
 *     .tier(memcached)
 *     .valueCodec(JsonCodec.of(Product.class))
 *     .stampede(Stampede.distributed(MemcachedStampedeLock.create(memcached)))
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
 *   <li>Values over the item size limit are refused with {@link IllegalArgumentException} before
 *       anything is sent.
 * </ul>
 *
 * <p>Thread-safe. Futures complete on the I/O threads unless a completion executor is configured
 * (Cascade's caches never run loaders there). Close the tier to release its connections and
 * threads; closing a cache does not close it.
 */
public final class MemcachedTier implements RemoteStore {
  private final MemcachedStore store;
  private final StoreCapabilities capabilities;
  private final Executor completion;

  private MemcachedTier(MemcachedStore store, MemcachedConfig config) {
    this.store = store;
    // By default futures complete on the I/O threads, as Lettuce's do: the cache runs blocking
    // loaders in their caller's thread and asynchronous ones on its own executor, never here.
    Executor configured = config.completionExecutor();
    this.completion = configured != null ? configured : Runnable::run;
    // maxKeyBytes 250: longer keys are hashed by core; keys over 186 bytes by this store.
    this.capabilities = new StoreCapabilities(250, false, store.maxValueBytes(), false);
  }

  /**
   * Connects to {@code servers} ({@code host:port}) with default settings.
   *
   * @throws IllegalArgumentException if an address is malformed or none is given
   */
  public static MemcachedTier create(String... servers) {
    return create(MemcachedConfig.builder().servers(servers).build());
  }

  /**
   * Connects to the servers of {@code config}. Waits at most the connect timeout for the first
   * connections; servers not reachable yet are retried in the background and fail their keys fast
   * meanwhile.
   */
  public static MemcachedTier create(MemcachedConfig config) {
    Objects.requireNonNull(config, "config");
    return new MemcachedTier(new MemcachedStore(MemcachedClient.start(config), config), config);
  }

  MemcachedStore store() {
    return store;
  }

  /** Completes the returned future on the completion executor rather than on an I/O thread. */
  <T> CompletableFuture<T> handOff(CompletableFuture<T> reply) {
    if (reply.isDone()) {
      return reply;
    }
    CompletableFuture<T> result = new CompletableFuture<>();
    reply.whenComplete(
        (value, error) -> {
          try {
            completion.execute(
                () -> {
                  if (error != null) {
                    result.completeExceptionally(error instanceof CompletionException && error.getCause() != null ? error.getCause() : error);
                  } else {
                    result.complete(value);
                  }
                });
          } catch (RejectedExecutionException e) {
            result.completeExceptionally(new CacheException("the tier is closed", e));
          }
        });
    return result;
  }

  @Override
  public StoreCapabilities capabilities() {
    return capabilities;
  }

  @Override
  public CompletableFuture<byte @Nullable []> get(String key) {
    return handOff(store.get(key));
  }

  @Override
  public CompletableFuture<Map<String, byte[]>> getAll(Collection<String> keys) {
    return handOff(store.getAll(keys));
  }

  @Override
  public CompletableFuture<Void> put(String key, byte[] value, @Nullable Duration ttl) {
    return handOff(store.put(key, value, ttl));
  }

  @Override
  public CompletableFuture<Void> putAll(Map<String, Write> writes) {
    return handOff(store.putAll(writes));
  }

  @Override
  public CompletableFuture<Boolean> putIfAbsent(String key, byte[] value, @Nullable Duration ttl) {
    return handOff(store.putIfAbsent(key, value, ttl));
  }

  @Override
  public CompletableFuture<Void> delete(String key) {
    return handOff(store.delete(key));
  }

  @Override
  public CompletableFuture<Void> deleteAll(Collection<String> keys) {
    return handOff(store.deleteAll(keys));
  }

  /**
   * Invalidates every key starting with {@code prefix}, which must be a namespace of the form
   * {@code <a>:<b>:} (core's {@code <prefix>:<cache>:}); other prefixes fail with {@link
   * IllegalArgumentException}. Fails with a {@link dev.cascade.cache.CacheException} if a server is
   * down (the others are invalidated).
   */
  @Override
  public CompletableFuture<Void> deleteByPrefix(String prefix) {
    return handOff(store.deleteByPrefix(prefix));
  }

  /** Returns the servers of the pool, {@code host:port}, in configuration order. */
  public List<String> servers() {
    List<String> names = new ArrayList<>();
    store.client().nodes().forEach(node -> names.add(node.name()));
    return List.copyOf(names);
  }

  /** Returns the server ({@code host:port}) that holds {@code key}. */
  public String serverFor(String key) {
    return store.serverFor(key);
  }

  /**
   * Returns a future of each server's statistics, in configuration order; a server that is down or
   * does not answer has {@code up == false} and zero counts.
   */
  public CompletableFuture<List<MemcachedServerStats>> stats() {
    List<CompletableFuture<MemcachedServerStats>> all = new ArrayList<>();
    for (ServerNode node : store.client().nodes()) {
      all.add(
          store
              .client()
              .stats(node)
              .thenApply(
                  s ->
                      new MemcachedServerStats(
                          node.name(),
                          true,
                          number(s, "get_hits"),
                          number(s, "get_misses"),
                          number(s, "evictions"),
                          number(s, "curr_items"),
                          number(s, "bytes"),
                          number(s, "limit_maxbytes")))
              .exceptionally(error -> new MemcachedServerStats(node.name(), false, 0, 0, 0, 0, 0, 0)));
    }
    return handOff(
        CompletableFuture.allOf(all.toArray(CompletableFuture[]::new))
            .thenApply(done -> all.stream().map(CompletableFuture::join).toList()));
  }

  private static long number(Map<String, String> stats, String name) {
    String value = stats.get(name);
    if (value == null) {
      return 0;
    }
    try {
      return Long.parseLong(value.trim());
    } catch (NumberFormatException e) {
      return 0;
    }
  }

  @Override
  public void close() {
    store.close();
  }

  @Override
  public String toString() {
    return "MemcachedTier" + servers();
  }
}
