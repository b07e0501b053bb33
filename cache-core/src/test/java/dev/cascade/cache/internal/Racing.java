package dev.cascade.cache.internal;

import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/** What the race tests of this package share: a call run on a thread of its own. */
final class Racing {
  private Racing() {}

  /**
   * Runs {@code action} on a new daemon thread named {@code threadName}; the future completes with
   * its result or what it threw.
   */
  static <T> CompletableFuture<@Nullable T> inAnotherThread(String threadName, Supplier<@Nullable T> action) {
    CompletableFuture<@Nullable T> result = new CompletableFuture<>();
    Thread thread =
        new Thread(
            () -> {
              try {
                result.complete(action.get());
              } catch (Throwable e) {
                result.completeExceptionally(e);
              }
            },
            threadName);
    thread.setDaemon(true);
    thread.start();
    return result;
  }
}
