package dev.cascade.cache;

import java.util.concurrent.CompletableFuture;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;

/**
 * An asynchronous function whose results are cached per argument, after Python's {@code
 * alru_cache}: concurrent calls for one argument share one in-flight future, and a failed future
 * is not kept, so the next call tries again. Thread-safe.
 */
public interface AsyncMemoized<A, R> extends Function<A, CompletableFuture<R>> {

  /**
   * Returns a future of the function's result for {@code argument}; it fails as the function's
   * future does, and with {@link IllegalStateException} if the function, while it runs for {@code
   * argument}, calls this method with the same argument (see {@link Memoize}). Does not throw.
   */
  @Override
  CompletableFuture<R> apply(A argument);

  /** Drops the cached result of {@code argument}. */
  void invalidate(@Nullable A argument);

  /** Drops every cached result. */
  void clear();

  /** Returns the hit and miss counts and the sizes. */
  MemoStats stats();
}
