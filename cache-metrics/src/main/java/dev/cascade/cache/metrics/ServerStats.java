package dev.cascade.cache.metrics;

import dev.cascade.cache.spi.Checks;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;

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

  /**
   * Returns a source that asks {@code query} (an asynchronous read such as a tier's {@code
   * INFO}) and waits for its answer at most {@code timeout}, so that a slow server never holds a
   * scrape longer than that.
   *
   * <pre>{@code
   * ServerStats redisInfo = ServerStats.async(() -> redisTier.serverStats().thenApply(s -> s.asMap()),
   *     Duration.ofSeconds(2));
   * }</pre>
   *
   * @throws IllegalArgumentException if {@code timeout} is not positive
   */
  static ServerStats async(
      Supplier<? extends CompletionStage<? extends Map<String, ? extends Number>>> query, Duration timeout) {
    Objects.requireNonNull(query, "query");
    long nanos = Checks.requirePositive(timeout, "timeout").toNanos();
    return () -> {
      try {
        return query.get().toCompletableFuture().get(nanos, TimeUnit.NANOSECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted while reading server statistics", e);
      } catch (ExecutionException e) {
        throw new IllegalStateException("reading server statistics failed", e.getCause());
      } catch (TimeoutException e) {
        throw new IllegalStateException("server statistics not read within " + timeout, e);
      }
    };
  }
}
