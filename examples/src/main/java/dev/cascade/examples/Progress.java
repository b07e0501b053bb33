package dev.cascade.examples;

import java.io.PrintStream;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import org.jspecify.annotations.Nullable;

/**
 * A one-line progress indicator on standard error for work that may take several seconds: once a
 * second (the first after one second, so quick work shows nothing) it rewrites its line with the
 * percentage done, and {@link #close()} erases the line again. When the JVM has no console (output
 * piped or redirected) it prints nothing, so captured output stays clean.
 */
final class Progress implements AutoCloseable {
  private static final PrintStream OUT = System.err;

  private final String label;
  private final LongSupplier done;
  private final long total;
  private final @Nullable ScheduledExecutorService ticker;
  private volatile int printedWidth;

  private Progress(String label, LongSupplier done, long total, boolean visible) {
    this.label = label;
    this.done = done;
    this.total = total;
    if (!visible) {
      this.ticker = null;
      return;
    }
    this.ticker =
        Executors.newSingleThreadScheduledExecutor(
            task -> {
              Thread thread = new Thread(task, "demo-progress");
              thread.setDaemon(true);
              return thread;
            });
    ticker.scheduleAtFixedRate(this::print, 1, 1, TimeUnit.SECONDS);
  }

  /** Starts showing the progress of {@code label}: {@code done} units of {@code total}. */
  static Progress start(String label, LongSupplier done, long total) {
    return new Progress(label, done, total, System.console() != null);
  }

  private void print() {
    long percent = total == 0 ? 100 : Math.min(100, done.getAsLong() * 100 / total);
    String line = String.format("  %s: %d%%", label, percent);
    OUT.print("\r" + line);
    OUT.flush();
    printedWidth = line.length();
  }

  /** Stops the indicator and erases its line. */
  @Override
  public void close() {
    if (ticker == null) {
      return;
    }
    ticker.shutdownNow();
    try {
      ticker.awaitTermination(1, TimeUnit.SECONDS); // never erase while a print is under way
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    if (printedWidth > 0) {
      OUT.print("\r" + " ".repeat(printedWidth) + "\r");
      OUT.flush();
    }
  }
}
