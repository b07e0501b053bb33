package dev.cascade.cache.redis.internal;

import dev.cascade.cache.CacheTimeoutException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.concurrent.locks.LockSupport;
import org.jspecify.annotations.Nullable;

/**
 * The deadlines of Redis commands: a command's answer is a {@link Bounded} future, which {@link
 * #track} pushes onto one of {@link #STRIPES} stacks (chosen by the issuing thread's id, so that
 * callers seldom meet on one), and {@link #sweep} takes every stack and fails the futures that are
 * past their deadline and not yet complete. {@link #shared()} serves every link of the JVM: one
 * daemon thread, its sweeper, sweeps it once per {@link #TICK_MILLIS}.
 *
 * <p>A command costs one compare-and-set on its stripe and a reading of the clock; nothing is
 * cancelled when it is answered (the sweeper drops answered futures when it next meets them). A
 * hashed-wheel timer (Netty's, used before) cost an allocation and about five atomic instructions per
 * command (its pending count, up and down, shared by every caller; its queue of new timeouts; the
 * cancel and its queue), and {@code CompletableFuture.orTimeout} schedules and cancels on the JDK's
 * shared delay scheduler under its lock.
 *
 * <p>Invariants: a future is pushed at most once and is reachable from its stripe's stack until the
 * sweeper takes it, then only from the sweeper's own list ({@link #waiting}), until it is complete
 * or expired; {@link Bounded#next} is written by the pushing thread before the compare-and-set that
 * publishes it and afterwards only by the sweeping thread ({@link #sweep} is called by one thread at
 * a time). The sweeper meets every waiting future once per tick, so a deadline of {@link #shared()}
 * fires at most one tick (plus the sweeper's scheduling) after it is due, never before. An answered
 * future stays referenced until the next sweep, at most one tick. The sweeper is started when
 * {@link #shared()} is first asked for and kept for the JVM's life; it wakes once per tick while
 * anything is tracked, and sleeps while nothing is: it sets {@link #sleeping} before a last look at
 * the stripes, and {@link #track} reads it after its push and, if set, clears it and unparks the
 * sweeper; so a push is either seen by that look or wakes the sweeper (an idle JVM then pays nothing
 * for it; ticking alone cost about 50 ms of CPU in 8 s).
 */
final class CommandDeadlines {
  /** How late a deadline may fire: the sweeper's period. */
  static final long TICK_MILLIS = 10;

  /** Stacks of tracked futures (a power of two). */
  static final int STRIPES = 64;
  /** References per stripe: a stripe's head alone on its 64-byte line (with compressed references). */
  private static final int PAD = 16;

  private final AtomicReferenceArray<@Nullable Bounded<?>> heads = new AtomicReferenceArray<>(STRIPES * PAD);
  /** The futures a sweep took that were still waiting; the sweeping thread's alone. */
  private @Nullable Bounded<?> waiting;
  /** The thread that sweeps these deadlines, if one does (the shared sweeper's); set once, before any track. */
  private volatile @Nullable Thread sweeper;
  /** Whether the sweeper sleeps until a track wakes it: see the class invariants. */
  private volatile boolean sleeping;

  /** Deadlines that nothing sweeps but calls of {@link #sweep}; see {@link #shared()} for the JVM's. */
  CommandDeadlines() {}

  /** The deadlines of every link, swept by a daemon thread started with the first call of this method. */
  static CommandDeadlines shared() {
    return Sweeper.DEADLINES;
  }

  /**
   * The answer of one command: fails with {@link CacheTimeoutException} once its deadline has
   * passed unless it completed before. Thread-safe as any {@code CompletableFuture}.
   */
  static final class Bounded<T> extends CompletableFuture<T> {
    private final String command;
    private final long timeoutNanos;
    private final long deadlineNanos;
    /** The next future of the stack or list this one is in; see the class invariants. */
    @Nullable Bounded<?> next;

    Bounded(String command, long timeoutNanos) {
      this.command = command;
      this.timeoutNanos = timeoutNanos;
      this.deadlineNanos = System.nanoTime() + timeoutNanos;
    }

    /** Whether the deadline has passed at {@code nowNanos} ({@link System#nanoTime()}). */
    boolean isDue(long nowNanos) {
      return nowNanos - deadlineNanos >= 0;
    }

    void expire() {
      completeExceptionally(
          new CacheTimeoutException(
              "Redis " + command + " timed out after " + TimeUnit.NANOSECONDS.toMillis(timeoutNanos) + " ms", null));
    }
  }

  /** Has {@code future} failed once its deadline has passed, unless it completes before. */
  void track(Bounded<?> future) {
    int head = ((int) Thread.currentThread().getId() & (STRIPES - 1)) * PAD;
    Bounded<?> current;
    do {
      current = heads.get(head);
      future.next = current;
    } while (!heads.compareAndSet(head, current, future));
    if (sleeping) {
      sleeping = false;
      LockSupport.unpark(sweeper);
    }
  }

  /** Whether nothing is tracked: no stack holds a future and the last sweep kept none. Sweeping thread only. */
  private boolean isEmpty() {
    if (waiting != null) {
      return false;
    }
    for (int stripe = 0; stripe < STRIPES; stripe++) {
      if (heads.get(stripe * PAD) != null) {
        return false;
      }
    }
    return true;
  }

  /**
   * Called by the sweeper after a sweep: if nothing is tracked, sleeps until a {@link #track} wakes
   * it. Sweeping thread only.
   */
  void sleepWhileEmpty() {
    if (!isEmpty()) {
      return;
    }
    sleeping = true;
    if (!isEmpty()) { // a push that read the flag before it was set: sweep it at the next tick
      sleeping = false;
      return;
    }
    while (sleeping) {
      LockSupport.park(this);
    }
  }

  /** Whether the sweeper sleeps; for tests. */
  boolean isSleeping() {
    return sleeping;
  }

  /**
   * One sweep at {@code nowNanos}: takes every stripe's stack, fails what is due, keeps in {@link
   * #waiting} what is neither complete nor due. Not to be called by two threads at once.
   */
  void sweep(long nowNanos) {
    Bounded<?> kept = waiting;
    waiting = null;
    kept = sweepChain(kept, nowNanos, null);
    for (int stripe = 0; stripe < STRIPES; stripe++) {
      int head = stripe * PAD;
      if (heads.get(head) != null) {
        kept = sweepChain(heads.getAndSet(head, null), nowNanos, kept);
      }
    }
    waiting = kept;
  }

  /** Goes through the list from {@code first}; returns {@code kept} with its waiting futures added. */
  private static @Nullable Bounded<?> sweepChain(@Nullable Bounded<?> first, long nowNanos, @Nullable Bounded<?> kept) {
    Bounded<?> future = first;
    while (future != null) {
      Bounded<?> next = future.next;
      future.next = null;
      if (!future.isDone()) {
        if (future.isDue(nowNanos)) {
          expire(future);
        } else {
          future.next = kept;
          kept = future;
        }
      }
      future = next;
    }
    return kept;
  }

  /**
   * Fails {@code future} as timed out. Its dependent stages run here; a failure of one of them must
   * not leave the other futures of the sweep unexpired, so none leaves this method.
   */
  private static void expire(Bounded<?> future) {
    try {
      future.expire();
    } catch (RuntimeException | Error e) {
      // CompletableFuture catches what its stages throw; this is only a guard for the sweep.
    }
  }

  /** How many futures the last sweep kept waiting; for tests, from the sweeping thread. */
  int waitingCount() {
    int count = 0;
    for (Bounded<?> future = waiting; future != null; future = future.next) {
      count++;
    }
    return count;
  }

  /** The shared deadlines and their sweeper's thread, started once (class initialisation runs at most once). */
  private static final class Sweeper {
    static final CommandDeadlines DEADLINES = new CommandDeadlines();

    static {
      Thread thread = new Thread(Sweeper::run, "cascade-redis-deadlines");
      thread.setDaemon(true);
      DEADLINES.sweeper = thread;
      thread.start();
    }

    private Sweeper() {}

    private static void run() {
      long tick = TimeUnit.MILLISECONDS.toNanos(TICK_MILLIS);
      while (true) {
        LockSupport.parkNanos(tick);
        DEADLINES.sweep(System.nanoTime());
        DEADLINES.sleepWhileEmpty();
      }
    }
  }
}
