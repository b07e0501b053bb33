package dev.cascade.cache.memcached.internal;

import io.netty.util.concurrent.DefaultThreadFactory;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;

/**
 * The clock of one client's command timeouts: a daemon thread that sleeps between ticks and, at each
 * tick, lets every connection ask its own event loop to sweep its expired requests.
 *
 * <p>Not the event loops' own scheduler: Netty's NIO event loop turns a wait whose deadline is less
 * than half a millisecond away into a non-blocking select and loops on it until the task is due, so
 * a sweep due every 5 ms kept each connection's I/O thread polling through about a tenth of every
 * period, busy or idle (measured: about 18 000 selects a second on an idle client; docs/benchmarks.md).
 *
 * <p>Invariants: ticks run on this class's one thread, never on an event loop, and must not block;
 * after {@link #close()} no tick runs and {@link #every} schedules nothing. Thread-safe.
 */
final class TimeoutSweeps implements AutoCloseable {
  private final ScheduledThreadPoolExecutor timer;

  TimeoutSweeps() {
    timer = new ScheduledThreadPoolExecutor(1, new DefaultThreadFactory("cascade-memcached-timeouts", true));
    timer.setRemoveOnCancelPolicy(true);
  }

  /**
   * Runs {@code tick} every {@code periodNanos} until the returned future is cancelled or this
   * clock is closed; returns {@code null} if it is closed already.
   */
  @Nullable ScheduledFuture<?> every(long periodNanos, Runnable tick) {
    try {
      return timer.scheduleAtFixedRate(tick, periodNanos, periodNanos, TimeUnit.NANOSECONDS);
    } catch (RejectedExecutionException closed) {
      return null;
    }
  }

  @Override
  public void close() {
    timer.shutdownNow();
  }
}
