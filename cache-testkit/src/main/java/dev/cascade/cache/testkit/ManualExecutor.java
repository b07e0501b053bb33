package dev.cascade.cache.testkit;

import java.util.ArrayDeque;
import java.util.Queue;
import java.util.concurrent.Executor;

/**
 * An executor that runs nothing until told: tasks queue up until {@link #runAll()}, so that a test
 * decides when background work (refreshes) happens, on its own thread. Thread-safe.
 */
public final class ManualExecutor implements Executor {
  private final Queue<Runnable> queued = new ArrayDeque<>();

  @Override
  public synchronized void execute(Runnable task) {
    queued.add(task);
  }

  /** Runs every queued task, including those queued by the tasks it runs; returns how many ran. */
  public int runAll() {
    int ran = 0;
    for (Runnable task = next(); task != null; task = next()) {
      task.run();
      ran++;
    }
    return ran;
  }

  /** Returns the number of tasks waiting. */
  public synchronized int queued() {
    return queued.size();
  }

  private synchronized Runnable next() {
    return queued.poll();
  }
}
