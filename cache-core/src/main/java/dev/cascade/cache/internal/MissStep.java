package dev.cascade.cache.internal;

import java.util.concurrent.CompletableFuture;
import org.jspecify.annotations.Nullable;

/**
 * One step of the {@link MissChain}: serves a miss itself, or hands it to the rest of the chain.
 * Implementations are stateless apart from their collaborators and thread-safe.
 */
interface MissStep<K, V> {

  /** The rest of the chain after a step. */
  @FunctionalInterface
  interface Rest<K, V> {
    CompletableFuture<@Nullable V> proceed(Miss<K, V> miss);
  }

  /**
   * Returns the value for {@code miss}: from this step, or from {@code rest.proceed(miss)}. A step
   * may throw only for the caller's own errors (such as a recursive load); any other failure fails
   * the future.
   */
  CompletableFuture<@Nullable V> serve(Miss<K, V> miss, Rest<K, V> rest);
}
