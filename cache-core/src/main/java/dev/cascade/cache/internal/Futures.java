package dev.cascade.cache.internal;

import dev.cascade.cache.CacheLoaderException;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.function.Function;
import java.util.function.Supplier;

/** How the engine moves between futures and the blocking API's exceptions. Stateless. */
final class Futures {
  private Futures() {}

  /** Returns the failure inside {@code error}'s completion or execution wrappers. */
  static Throwable unwrap(Throwable error) {
    Throwable cause = error;
    while ((cause instanceof CompletionException || cause instanceof ExecutionException)
        && cause.getCause() != null) {
      cause = cause.getCause();
    }
    return cause;
  }

  /** Waits for {@code future} and rethrows its failure as the blocking API promises. */
  static <T> T await(CompletableFuture<T> future) {
    try {
      return future.join();
    } catch (CompletionException | CancellationException e) {
      Throwable cause = unwrap(e);
      if (cause instanceof RuntimeException runtime) {
        throw runtime;
      }
      if (cause instanceof Error error) {
        throw error;
      }
      throw new CacheLoaderException("loader failed with a checked exception", cause);
    }
  }

  /**
   * Runs {@code call} for the asynchronous API: argument and state errors are thrown at once, as
   * {@code AsyncCache} documents; any other failure fails the returned future.
   */
  static <T> CompletableFuture<T> async(Supplier<CompletableFuture<T>> call) {
    try {
      return call.get();
    } catch (NullPointerException | IllegalArgumentException | IllegalStateException e) {
      throw e;
    } catch (RuntimeException e) {
      return CompletableFuture.failedFuture(e);
    }
  }

  /** Adapts a blocking loader to the engine's asynchronous one; it runs where the engine calls it. */
  static <K, R> Function<K, CompletionStage<R>> callInline(Function<? super K, ? extends R> loader) {
    return key -> {
      try {
        return CompletableFuture.completedFuture(loader.apply(key));
      } catch (RuntimeException | Error e) {
        return CompletableFuture.failedFuture(e);
      }
    };
  }
}
