package dev.cascade.cache.internal;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * An executor whose tasks run on the one thread that {@link #drive drives} it: how a blocking call
 * reuses the asynchronous engine while its loader still runs in the caller's thread (never on a
 * client library's I/O thread). One instance serves one call and is driven by the thread that made
 * it; any thread may submit tasks.
 *
 * <p>A hand-off is a lock-free queue and the driver's park permit: a submitter adds its task, then
 * unparks the driver; the driver polls, and parks only when the queue was empty. A task added after
 * the driver's empty poll leaves the permit set, so the driver's park returns at once and it polls
 * again: no task waits for a wake-up that already happened. (A blocking queue did the same with a
 * lock and a condition per hand-off, the largest part of handing a reply to a blocked caller.)
 *
 * <p>Invariants: every task runs exactly once, on the driver while it drives, else on a submitter;
 * {@link #finished} is set once, after the driver's last wait, and a submitter that reads it set
 * runs what is queued itself (queue operations and that field are all synchronization actions, so a
 * task added before a submitter read it unset is seen by the driver's poll after setting it).
 */
final class CallerRunsLoop implements Executor {
  private final ConcurrentLinkedQueue<Runnable> tasks = new ConcurrentLinkedQueue<>();
  private final Thread driver = Thread.currentThread();

  /** How many times the driver has parked; written by the driver only (read by tests, racily). */
  private int parks;

  /** Set once {@link #drive} has stopped waiting: later tasks run on the thread that submits them. */
  private volatile boolean finished;

  /**
   * Queues {@code task} for the driving thread; once that thread has left {@link #drive}, runs it
   * on this thread instead, so that no task is ever stranded (a stage that hopped to this loop but
   * whose call did not wait for it, such as a background refresh on a direct executor).
   */
  @Override
  public void execute(Runnable task) {
    tasks.add(task);
    if (finished) {
      runQueued();
    } else {
      wakeDriver();
    }
  }

  /**
   * Runs {@code call} on a new loop and drives the loop on this thread until the call's result
   * completes; returns it completed. While {@code call} starts, what remote tiers read hops to the
   * loop ({@link CallerHop}), so a blocking call decodes its own replies.
   */
  static <T> CompletableFuture<T> runBlocking(Function<CallerRunsLoop, CompletableFuture<T>> call) {
    CallerRunsLoop loop = new CallerRunsLoop();
    return loop.run(() -> call.apply(loop));
  }

  /**
   * {@link #runBlocking} on this loop, made by this thread for a call that needed its loop before
   * it started (see {@link BlockingMiss}).
   *
   * @throws IllegalStateException if this thread did not make the loop
   */
  <T> CompletableFuture<T> run(Supplier<CompletableFuture<T>> call) {
    requireDriver();
    return drive(CallerHop.start(this, call));
  }

  /**
   * Runs queued tasks on this thread until {@code result} completes; returns it completed. An
   * interrupt does not end the wait (the call's result still arrives); it is restored on return.
   *
   * @throws IllegalStateException if this thread did not make the loop
   */
  <T> CompletableFuture<T> drive(CompletableFuture<T> result) {
    requireDriver();
    result.whenComplete((value, error) -> wakeDriver());
    boolean interrupted = false;
    while (!result.isDone()) {
      Runnable task = tasks.poll();
      if (task != null) {
        task.run();
      } else {
        parks++;
        LockSupport.park(this);
        interrupted |= Thread.interrupted(); // else park returns at once while the flag is set
      }
    }
    finished = true;
    runQueued(); // continuations queued after the result (such as lease releases) still run
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
    return result;
  }

  private void requireDriver() {
    if (Thread.currentThread() != driver) {
      throw new IllegalStateException("a loop is driven by the thread that made it, " + driver.getName()
          + ", not " + Thread.currentThread().getName());
    }
  }

  /** How many times the driver has parked so far (for tests: a driver that spins instead shows here). */
  int parks() {
    return parks;
  }

  /** Unparks the driver, unless this is the driver (which polls again before it parks). */
  private void wakeDriver() {
    if (Thread.currentThread() != driver) {
      LockSupport.unpark(driver);
    }
  }

  private void runQueued() {
    Runnable task;
    while ((task = tasks.poll()) != null) {
      task.run();
    }
  }
}
