package dev.cascade.cache.redis.internal;

import io.netty.util.HashedWheelTimer;
import io.netty.util.Timeout;
import io.netty.util.Timer;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;

/**
 * The deadlines of Redis commands: one hashed-wheel timer for the JVM, whose scheduling and
 * cancelling take no lock (a queue offer each), unlike {@code CompletableFuture.orTimeout}, which
 * schedules and cancels on the JDK's shared delay scheduler under its lock, on the calling thread
 * and again on the I/O thread that completes the command.
 *
 * <p>Invariant: a deadline fires at most {@link #TICK_MILLIS} (plus the timer thread's scheduling)
 * after it is due, never before. The timer's thread is a daemon, started with the first deadline and
 * kept for the JVM's life; it wakes once per tick while it lives.
 */
final class CommandDeadlines {
  /** The wheel's resolution: how late a deadline may fire. */
  static final long TICK_MILLIS = 10;

  private static final Timer TIMER =
      new HashedWheelTimer(daemonThreads(), TICK_MILLIS, TimeUnit.MILLISECONDS, 512);

  private CommandDeadlines() {}

  /** Runs {@code onExpiry} once {@code nanos} have passed, unless the returned handle is cancelled. */
  static Timeout after(long nanos, Runnable onExpiry) {
    return TIMER.newTimeout(timeout -> onExpiry.run(), nanos, TimeUnit.NANOSECONDS);
  }

  private static ThreadFactory daemonThreads() {
    return task -> {
      Thread thread = new Thread(task, "cascade-redis-deadlines");
      thread.setDaemon(true);
      return thread;
    };
  }
}
