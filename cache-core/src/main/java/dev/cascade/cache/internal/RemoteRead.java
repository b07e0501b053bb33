package dev.cascade.cache.internal;

import java.util.concurrent.CompletableFuture;
import org.jspecify.annotations.Nullable;

/**
 * The step that reads the remote tiers (through {@link ReadThrough}, which fills nearer tiers). A
 * hit ends the miss; otherwise the miss is counted and the rest of the chain runs on the miss's
 * executor, never on a client library's I/O thread. Thread-safe.
 */
final class RemoteRead<K, V> implements MissStep<K, V> {
  private final ReadThrough<K, V> reads;
  private final StatsCounter stats;

  RemoteRead(ReadThrough<K, V> reads, StatsCounter stats) {
    this.reads = reads;
    this.stats = stats;
  }

  @Override
  public CompletableFuture<@Nullable V> serve(Miss<K, V> miss, Rest<K, V> rest) {
    return reads
        .read(miss.key, 0, miss.flight())
        .thenComposeAsync(
            found -> {
              if (found != null) {
                if (!miss.counted) {
                  reads.recordOtherHit(found);
                }
                return CompletableFuture.completedFuture(found.value());
              }
              if (!miss.counted) {
                stats.misses.increment();
              }
              return rest.proceed(miss);
            },
            miss.executor);
  }
}
