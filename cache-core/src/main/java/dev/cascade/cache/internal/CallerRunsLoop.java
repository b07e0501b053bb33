package dev.cascade.cache.internal;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.LinkedBlockingQueue;

/**
 * An executor whose tasks run on the one thread that {@link #drive drives} it: how a blocking call
 * reuses the asynchronous engine while its loader still runs in the caller's thread (never on a
 * client library's I/O thread). One instance serves one call; not shared between threads.
 */
final class CallerRunsLoop implements Executor {
  private static final Runnable WAKE_UP = () -> {};

  private final LinkedBlockingQueue<Runnable> tasks = new LinkedBlockingQueue<>();

  @Override
  public void execute(Runnable task) {
    tasks.add(task);
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
    Runnable task;
    while ((task = tasks.poll()) != null) {
      task.run(); // continuations queued after the result (such as lease releases) still run
    }
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
    return result;
  }
}
