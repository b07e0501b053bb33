package dev.cascade.cache.internal;

import dev.cascade.cache.CacheLoaderException;
import dev.cascade.cache.CacheWriterException;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
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

  /**
   * Calls {@code call} with {@code input} on a thread of {@code executor}, always: the one hand-off
   * of the miss paths (a stage attached to a future that is already complete would run on the
   * attaching thread instead).
   */
  static <T, R> CompletableFuture<R> composeOn(
      Executor executor, T input, Function<? super T, ? extends CompletionStage<R>> call) {
    return CompletableFuture.completedFuture(input).thenComposeAsync(call, executor);
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

  /**
   * Runs a blocking writer or deleter where the engine calls it: a checked exception becomes a
   * {@link CacheWriterException}, anything else fails the returned stage unchanged.
   */
  static CompletionStage<Void> callWriter(Object key, WriterCall call) {
    try {
      call.run();
      return CompletableFuture.completedFuture(null);
    } catch (RuntimeException | Error e) {
      return CompletableFuture.failedFuture(e);
    } catch (Exception e) {
      return CompletableFuture.failedFuture(writerFailed(key, e));
    }
  }

  private static CacheWriterException writerFailed(Object key, Throwable checked) {
    return new CacheWriterException("the writer of key " + key + " failed: " + checked.getMessage(), checked);
  }

  /** A blocking write to the system of record. */
  @FunctionalInterface
  interface WriterCall {
    void run() throws Exception;
  }

  /**
   * Returns {@code stage} with a checked failure wrapped in a {@link CacheWriterException}: how an
   * asynchronous writer's failure reaches the caller.
   */
  static CompletionStage<?> wrapChecked(Object key, CompletionStage<?> stage) {
    return stage.toCompletableFuture()
        .exceptionallyCompose(
            error -> {
              Throwable cause = unwrap(error);
              return CompletableFuture.failedFuture(
                  cause instanceof RuntimeException || cause instanceof Error
                      ? cause
                      : writerFailed(key, cause));
            });
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
