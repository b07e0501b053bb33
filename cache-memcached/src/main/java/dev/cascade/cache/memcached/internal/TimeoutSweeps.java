package dev.cascade.cache.memcached.internal;

import io.netty.util.concurrent.DefaultThreadFactory;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The clock of one client's command timeouts: a daemon thread that ticks every period while some
 * connection awaits replies, and at each tick lets each such connection sweep its expired requests
 * on its own event loop. While no connection awaits a reply it does not tick at all.
 *
 * <p>Not the event loops' own scheduler: Netty's NIO event loop turns a wait whose deadline is less
 * than half a millisecond away into a non-blocking select and loops on it until the task is due, so
 * a sweep due every 5 ms kept each connection's I/O thread polling through about a tenth of every
 * period, busy or idle (measured: about 18 000 selects a second on an idle client; docs/benchmarks.md).
 *
 * <p>Invariants: at most one tick is scheduled at a time, and one is scheduled whenever {@code
 * ticking} is true; every send calls {@link #wake()} after its connection says it awaits replies,
 * and a tick that finds no connection awaiting clears {@code ticking} before it looks again, so no
 * connection awaits replies with the clock stopped. Ticks run on this class's one thread, never on an
 * event loop. After {@link #close()} nothing is scheduled. Thread-safe.
 */
final class TimeoutSweeps implements AutoCloseable {
  private final ScheduledThreadPoolExecutor timer;
  private final long periodNanos;
  private final Set<MetaConnection> connections = ConcurrentHashMap.newKeySet();
  private final AtomicBoolean ticking = new AtomicBoolean();

  /** A clock that ticks every {@code periodNanos} (at least 1) while replies are awaited. */
  TimeoutSweeps(long periodNanos) {
    this.periodNanos = Math.max(1, periodNanos);
    timer = new ScheduledThreadPoolExecutor(1, new DefaultThreadFactory("cascade-memcached-timeouts", true));
  }

  void add(MetaConnection connection) {
    connections.add(connection);
  }

  void remove(MetaConnection connection) {
    connections.remove(connection);
  }

  /** Starts the ticks if they are stopped: a connection awaits replies. Cheap when they run (one read). */
  void wake() {
    if (!ticking.get() && ticking.compareAndSet(false, true)) {
      scheduleTick();
    }
  }

  private void scheduleTick() {
    try {
      timer.schedule(this::tick, periodNanos, TimeUnit.NANOSECONDS);
    } catch (RejectedExecutionException closed) {
      // closed: the client is closing, and closing its connections fails what still waits
    }
  }

  private void tick() {
    boolean awaiting = false;
    for (MetaConnection connection : connections) {
      try {
        awaiting |= connection.requestSweep();
      } catch (RuntimeException unexpected) {
        awaiting = true; // keep ticking: a stopped clock would leave every later command without a timeout
      }
    }
    if (awaiting) {
      scheduleTick();
      return;
    }
    ticking.set(false);
    for (MetaConnection connection : connections) {
      if (connection.isAwaitingReplies()) { // started after its look above: its wake() may have lost
        wake();
        return;
      }
    }
  }

  @Override
  public void close() {
    timer.shutdownNow();
  }
}
