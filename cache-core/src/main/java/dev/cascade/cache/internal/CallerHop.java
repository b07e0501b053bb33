package dev.cascade.cache.internal;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.function.Function;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/**
 * Where a remote tier decodes what it read: on the thread of the blocking call that asked for it,
 * through that call's {@link CallerRunsLoop}, rather than on the client library's I/O thread. One
 * I/O thread serves every caller of a connection; decoding there made it the bottleneck of many
 * blocking callers (64 threads reading 100 keys each: the I/O thread ran 85 % of the samples while
 * the callers waited), where each caller can decode its own reply on a core of its own.
 *
 * <p>Invariant: the loop is visible only while {@link #start} runs its call, on the thread that
 * called it, which is {@link CallerRunsLoop#runBlocking} (it then drives the loop until the call's
 * result completes); stages created
 * anywhere else, such as in continuations on other threads or by the asynchronous view, run where
 * their input completes, as without this class. Thread-safe (per-thread state).
 */
final class CallerHop {
  /** The loop of the blocking call this thread is starting, in slot 0, or null. */
  private static final ThreadLocal<@Nullable Executor[]> STARTING = ThreadLocal.withInitial(() -> new Executor[1]);

  private CallerHop() {}

  /** Runs {@code call}, during which the stages {@link #thenApply} creates on this thread hop to {@code loop}. */
  static <T> CompletableFuture<T> start(CallerRunsLoop loop, Supplier<CompletableFuture<T>> call) {
    @Nullable Executor[] slot = STARTING.get();
    Executor outer = slot[0];
    slot[0] = loop;
    try {
      return call.get();
    } finally {
      slot[0] = outer;
    }
  }

  /** {@code read.thenApply(decode)}, run by the starting blocking call's loop if there is one. */
  static <T, R> CompletableFuture<R> thenApply(CompletableFuture<T> read, Function<? super T, ? extends R> decode) {
    Executor loop = STARTING.get()[0];
    return loop == null ? read.thenApply(decode) : read.thenApplyAsync(decode, loop);
  }
}
