package dev.cascade.cache;

import java.util.function.Function;
import org.jspecify.annotations.Nullable;

/**
 * A function whose results are cached per argument (see {@link Memoize}). Calls for one argument
 * run the function at most once at a time; the function may call itself through this object
 * (recursion), for other arguments. Exceptions are not cached. Thread-safe.
 */
public interface Memoized<A, R> extends Function<A, R> {

  /**
   * Returns the function's result for {@code argument}, cached or computed now.
   *
   * @throws IllegalStateException if the function calls itself with the same argument
   */
  @Override
  R apply(A argument);

  /** Drops the cached result of {@code argument}, so that the next call runs the function. */
  void invalidate(@Nullable A argument);

  /** Drops every cached result (for a memo backed by a shared cache: that whole cache). */
  void clear();

  /** Returns the hit and miss counts and the sizes. */
  MemoStats stats();
}
