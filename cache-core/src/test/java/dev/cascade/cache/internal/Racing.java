package dev.cascade.cache.internal;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/** What the race tests of this package share: a call run on a thread of its own, and a hold of a call. */
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

  /**
   * A test's hold of one call: {@link #arm} it before the call; the held call signals that it got
   * there and waits ({@link #reachAndWait}, or {@link #reachWhen} for an asynchronous one); the test
   * waits on {@link #reached}, does what must happen meanwhile, then {@link #release}s it.
   * Thread-safe.
   */
  static final class Hold {
    private volatile CompletableFuture<@Nullable Void> reached = new CompletableFuture<>();
    private volatile CompletableFuture<@Nullable Void> released = new CompletableFuture<>();

    /** Makes the next hold a new one. */
    void arm() {
      reached = new CompletableFuture<>();
      released = new CompletableFuture<>();
    }

    /** Completes when the held call got to its hold. */
    CompletableFuture<@Nullable Void> reached() {
      return reached;
    }

    /** Lets the held call go on. */
    void release() {
      released.complete(null);
    }

    /** In the held call: signals that it got here, then blocks until released, at most {@code seconds}. */
    void reachAndWait(long seconds) {
      reached.complete(null);
      released.orTimeout(seconds, TimeUnit.SECONDS).join();
    }

    /** For an asynchronous held call: {@code done}, then signals, and completes only once released. */
    <T> CompletableFuture<T> reachWhen(CompletableFuture<T> done) {
      CompletableFuture<@Nullable Void> signal = reached;
      CompletableFuture<@Nullable Void> gate = released;
      return done.thenCompose(
          result -> {
            signal.complete(null);
            return gate.thenApply(open -> result);
          });
    }
  }
}
