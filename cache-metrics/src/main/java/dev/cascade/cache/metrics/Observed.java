package dev.cascade.cache.metrics;

import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * Counts the outcome of one asynchronous tier operation. The returned future completes only after
 * the operation was counted, so a caller that sees the result also sees it in the meters; it
 * completes with exactly the wrapped future's value or failure. Stateless.
 */
final class Observed {
  private Observed() {}

  /**
   * Runs {@code call}, counts a failure (synchronous or through the future) as an error of {@code
   * operation}, passes a value to {@code onSuccess}, and times the operation when {@code timed}.
   */
  static <T> CompletableFuture<T> observe(
      TierMeters meters,
      Operation operation,
      boolean timed,
      Supplier<CompletableFuture<T>> call,
      Consumer<? super T> onSuccess) {
    long start = timed ? meters.start() : 0L;
    CompletableFuture<T> future;
    try {
      future = call.get();
    } catch (RuntimeException e) {
      if (timed) {
        meters.finished(operation, start);
      }
      meters.failed(operation);
      throw e;
    }
    CompletableFuture<T> out = new CompletableFuture<>();
    future.whenComplete(
        (value, error) -> {
          if (timed) {
            meters.finished(operation, start);
          }
          if (error != null) {
            meters.failed(operation);
            out.completeExceptionally(error);
            return;
          }
          try {
            onSuccess.accept(value);
          } finally {
            out.complete(value);
          }
        });
    return out;
  }

  /** Counts one hit per key of {@code keys} in {@code found} and one miss per other key. */
  static <K> void countFound(TierMeters meters, Set<K> keys, Map<K, ?> found) {
    long hits = 0;
    for (K key : found.keySet()) {
      if (keys.contains(key)) {
        hits++;
      }
    }
    if (hits > 0) {
      meters.hits.add(hits);
    }
    if (keys.size() > hits) {
      meters.misses.add(keys.size() - hits);
    }
  }
}
