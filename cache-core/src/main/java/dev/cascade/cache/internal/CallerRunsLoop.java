package dev.cascade.cache.internal;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.function.Function;

/**
 * An executor whose tasks run on the one thread that {@link #drive drives} it: how a blocking call
 * reuses the asynchronous engine while its loader still runs in the caller's thread (never on a
 * client library's I/O thread). One instance serves one call, driven by one thread; any thread may submit tasks.
 */
final class CallerRunsLoop implements Executor {
  private static final Runnable WAKE_UP = () -> {};

  private final LinkedBlockingQueue<Runnable> tasks = new LinkedBlockingQueue<>();

  /** Set once {@link #drive} has stopped taking tasks: later ones run on the thread that submits them. */
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
      runQueued(); // the queue's lock orders this after the driver's last poll, or the driver runs it
    }
  }

  /**
   * Runs {@code call} on a new loop and drives the loop on this thread until the call's result
   * completes; returns it completed. While {@code call} starts, what remote tiers read hops to the
   * loop ({@link CallerHop}), so a blocking call decodes its own replies.
   */
  static <T> CompletableFuture<T> runBlocking(Function<CallerRunsLoop, CompletableFuture<T>> call) {
    CallerRunsLoop loop = new CallerRunsLoop();
    return loop.drive(CallerHop.start(loop, () -> call.apply(loop)));
  }

  /** Runs queued tasks on this thread until {@code result} completes; returns it completed. */
  <T> CompletableFuture<T> drive(CompletableFuture<T> result) {
    result.whenComplete((value, error) -> tasks.add(WAKE_UP));
    boolean interrupted = false;
    while (!result.isDone()) {
      try {
        tasks.take().run();
      } catch (InterruptedException e) {
        interrupted = true;
      }
    }
    finished = true;
    runQueued(); // continuations queued after the result (such as lease releases) still run
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
    return result;
  }

  private void runQueued() {
    Runnable task;
    while ((task = tasks.poll()) != null) {
      task.run();
    }
  }
}
