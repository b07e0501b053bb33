package dev.cascade.cache.memcached;

import dev.cascade.cache.CacheException;
import dev.cascade.cache.memcached.internal.MemcachedClient;
import dev.cascade.cache.memcached.internal.MemcachedStore;
import dev.cascade.cache.memcached.internal.ServerNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The connections of one service instance to a memcached pool, made once and shared by any number
 * of caches: it hands out the {@link MemcachedTier}s (the caches' {@link
 * dev.cascade.cache.spi.RemoteStore}) and the {@link MemcachedStampedeLock}, and owns the
 * connections and I/O threads behind them.
 *
 * <pre>{@code
 * MemcachedBackend memcached = MemcachedBackend.create(config);   // once per service instance
 * Cache<Long, Product> products = Cache.<Long, Product>builder("products")
 *     .inMemory(m -> m.maximumSize(10_000).ttl(Duration.ofSeconds(30)))
 *     .tier(memcached.tier())
 *     .valueCodec(JsonCodec.of(Product.class))
 *     .stampede(Stampede.distributed(memcached.stampedeLock()))
 *     .build();
 * ...
 * products.close();
 * memcached.close();                                               // after the last cache
 * }</pre>
 *
 * <p>Connections: {@link #connectionCount()}, that is {@link MemcachedConfig#connectionsPerServer()}
 * (default 1) pipelined connections to each server, however many caches, tiers and locks use the
 * backend; reads, writes, namespace versions, leases and {@code stats} all share them. A server
 * marked down has its connections replaced by the same number when it is back.
 *
 * <p>Thread-safe. {@link #close()} closes the connections and the I/O threads; from then on every
 * call on its tiers and lock fails, through its future, with {@link IllegalStateException}. Closing a
 * cache closes none of this.
 */
public final class MemcachedBackend implements AutoCloseable {
  private final MemcachedConfig config;
  private final MemcachedClient client;
  private final Executor completion;
  private final MemcachedStampedeLock lock;
  private final AtomicBoolean closed = new AtomicBoolean();

  private MemcachedBackend(MemcachedConfig config) {
    this.config = config;
    this.client = MemcachedClient.start(config);
    // By default futures complete on the I/O threads, as Lettuce's do: the cache runs blocking
    // loaders in their caller's thread and asynchronous ones on its own executor, never here.
    Executor configured = config.completionExecutor();
    this.completion = configured != null ? configured : Runnable::run;
    this.lock = MemcachedStampedeLock.create(newTier(false));
  }

  /**
   * Connects to {@code servers} ({@code host:port}) with default settings.
   *
   * @throws IllegalArgumentException if an address is malformed or none is given
   */
  public static MemcachedBackend create(String... servers) {
    return create(MemcachedConfig.builder().servers(servers).build());
  }

  /**
   * Connects to the servers of {@code config}. Waits at most the connect timeout for the first
   * connections; servers not reachable yet are retried in the background and fail their keys fast
   * meanwhile.
   *
   * @throws IllegalStateException if {@code config} asks for {@link MemcachedConfig.Transport#EPOLL}
   *     and Netty's native epoll library does not load here
   */
  public static MemcachedBackend create(MemcachedConfig config) {
    return new MemcachedBackend(Objects.requireNonNull(config, "config"));
  }

  /**
   * Returns a tier on this backend's connections, for one cache or several; it opens nothing.
   * Closing the tier does nothing: the backend's {@link #close()} closes the connections. Prefer one
   * tier per cache: each keeps a small hint of the last namespace it saw, which saves work when its
   * keys share one.
   *
   * @throws IllegalStateException if the backend is closed
   */
  public MemcachedTier tier() {
    requireOpen();
    return newTier(false);
  }

  /**
   * Returns the stampede lock on the servers' own leases, for every cache of this backend (the
   * lease of a key lives on that key's server). The same lock each time.
   *
   * @throws IllegalStateException if the backend is closed
   */
  public MemcachedStampedeLock stampedeLock() {
    requireOpen();
    return lock;
  }

  /**
   * Returns the number of connections this backend keeps to the pool: {@link
   * MemcachedConfig#connectionsPerServer()} times the number of servers, whatever the number of
   * caches.
   */
  public int connectionCount() {
    return config.connectionsPerServer() * config.servers().size();
  }

  /**
   * Returns the socket transport this backend's connections use: {@link MemcachedConfig.Transport#EPOLL}
   * or {@link MemcachedConfig.Transport#NIO}, as {@link MemcachedConfig#transport()} resolved here.
   */
  public MemcachedConfig.Transport transport() {
    return client.transport();
  }

  /** Returns the servers of the pool, {@code host:port}, in configuration order. */
  public List<String> servers() {
    List<String> names = new ArrayList<>();
    client.nodes().forEach(node -> names.add(node.name()));
    return List.copyOf(names);
  }

  /**
   * Returns a future of each server's statistics, in configuration order; a server that is down or
   * does not answer has {@code up == false} and zero counts. Fails with {@link
   * IllegalStateException} once the backend is closed.
   */
  public CompletableFuture<List<MemcachedServerStats>> stats() {
    if (closed.get()) {
      return CompletableFuture.failedFuture(closedError());
    }
    List<CompletableFuture<MemcachedServerStats>> all = new ArrayList<>();
    for (ServerNode node : client.nodes()) {
      all.add(
          client
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

  /**
   * Closes the connections and the I/O threads. Calls in flight fail; later calls on this backend's
   * tiers and lock fail with {@link IllegalStateException}. Idempotent.
   */
  @Override
  public void close() {
    if (closed.compareAndSet(false, true)) {
      client.close();
    }
  }

  @Override
  public String toString() {
    return "MemcachedBackend" + servers() + (closed.get() ? " (closed)" : "");
  }

  /** Returns a new tier on this backend's connections; {@code owner}: its close closes the backend. */
  MemcachedTier newTier(boolean owner) {
    return new MemcachedTier(this, new MemcachedStore(client, config), owner);
  }

  private void requireOpen() {
    if (closed.get()) {
      throw closedError();
    }
  }

  private IllegalStateException closedError() {
    return new IllegalStateException("the memcached backend " + servers() + " is closed");
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
}
