package dev.cascade.cache.metrics;

import java.util.Map;

/**
 * A source of a cache server's own statistics, by the server's names: for Redis the fields of
 * {@code INFO} ({@code keyspace_hits}, {@code evicted_keys}, {@code used_memory}), for Memcached
 * those of {@code stats} ({@code get_hits}, {@code evictions}, {@code bytes}). A backend module
 * implements it and hands it to a {@link ServerStatsBinder}.
 *
 * <p>Implementations must be thread-safe and should answer within the backend's command timeout;
 * {@link ServerStatsBinder} calls at most one read at a time and caches the answer.
 */
@FunctionalInterface
public interface ServerStats {

  /**
   * Returns the server's current statistics; a statistic the server does not report is absent.
   *
   * @throws RuntimeException if the server cannot be asked; the binder reports {@code NaN} until the
   *     next successful read
   */
  Map<String, ? extends Number> read();
}
