package dev.cascade.cache;

import java.util.function.BiFunction;
import org.jspecify.annotations.Nullable;

/**
 * A function of two arguments whose results are cached per pair of arguments (see {@link
 * Memoize}); otherwise as {@link Memoized}. Thread-safe.
 */
public interface BiMemoized<A, B, R> extends BiFunction<A, B, R> {

  /** Returns the function's result for the two arguments, cached or computed now. */
  @Override
  R apply(A first, B second);

  /** Drops the cached result of one pair of arguments. */
  void invalidate(@Nullable A first, @Nullable B second);

  /** Drops every cached result. */
  void clear();

  /** Returns the hit and miss counts and the sizes. */
  MemoStats stats();
}
