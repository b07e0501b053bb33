package dev.cascade.cache.internal;

import dev.cascade.cache.CacheTimeoutException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/**
 * Runs a remote tier's store and lock calls through the tier's circuit breaker, one call at a time:
 * a call is refused at once (failed with {@link CircuitOpenException}) while the breaker is open; a
 * timeout ({@link CacheTimeoutException} or {@link TimeoutException}) makes the breaker probe at
 * once, any other failure but bad input (a lost connection) counts towards opening it, a success
 * towards closing it, and bad input ({@link IllegalArgumentException}) or an operation the store
 * does not support ({@link UnsupportedOperationException}) towards neither.
 *
 * <p>Without a breaker a call runs as is (and a call that throws, throws). With one, a call that
 * throws instead of returning a future is reported as a failed future. Stateless apart from the
 * breaker; thread-safe.
 */
final class CircuitGuard {
  private final String tierName;
  private final @Nullable CircuitBreaker breaker;

  CircuitGuard(String tierName, @Nullable CircuitBreaker breaker) {
    this.tierName = tierName;
    this.breaker = breaker;
  }

  /**
   * Whether {@code error} is the caller's bad input ({@link IllegalArgumentException}) or an
   * operation the store refuses by design ({@link UnsupportedOperationException}, such as {@code
   * invalidateAll} of a raw cache on Memcached): it says nothing about the store's health and
   * reaches the caller as it is.
   */
  static boolean isRefusal(Throwable error) {
    return error instanceof IllegalArgumentException || error instanceof UnsupportedOperationException;
  }

  /** Returns the future of {@code call}, run through the breaker as the class comment says. */
  <T> CompletableFuture<T> call(Supplier<CompletableFuture<T>> call) {
    CircuitBreaker circuit = breaker;
    if (circuit == null) {
      return call.get();
    }
    if (!circuit.allow()) {
      return CompletableFuture.failedFuture(new CircuitOpenException(tierName));
    }
    CompletableFuture<T> future;
    try {
      future = call.get();
    } catch (RuntimeException e) {
      future = CompletableFuture.failedFuture(e);
    }
    return future.whenComplete(
        (result, error) -> {
          if (error == null) {
            circuit.onSuccess();
          } else if (isRefusal(unwrap(error))) {
            circuit.onIgnored(); // nothing about the store's health
          } else if (isTimeout(unwrap(error))) {
            circuit.onTimeout();
          } else {
            circuit.onFailure();
          }
        });
  }

  private static boolean isTimeout(Throwable failure) {
    return failure instanceof CacheTimeoutException || failure instanceof TimeoutException;
  }

  /**
   * Returns the future of {@code call} without reporting its outcome to the breaker, for a call
   * that may not reach the store at all (a lock's {@code revoke}, which is a no-op on Redis): its
   * success says nothing of the store's health, and counted it would reset the failure count, or,
   * as a half-open breaker's probe, close the breaker, during an outage. Refused at once (failed
   * with {@link CircuitOpenException}) when the breaker would refuse a call now; when a probe is
   * due it runs, and the counted call after it (the write itself) is the probe.
   */
  <T> CompletableFuture<T> callUncounted(Supplier<CompletableFuture<T>> call) {
    CircuitBreaker circuit = breaker;
    if (circuit != null && !circuit.wouldAllow()) {
      return CompletableFuture.failedFuture(new CircuitOpenException(tierName));
    }
    try {
      return call.get();
    } catch (RuntimeException e) {
      return CompletableFuture.failedFuture(e);
    }
  }

  /** Returns the failure inside {@code error}'s completion wrappers. */
  static Throwable unwrap(Throwable error) {
    Throwable cause = error;
    while (cause instanceof CompletionException && cause.getCause() != null) {
      cause = cause.getCause();
    }
    return cause;
  }
}
