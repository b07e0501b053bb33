package dev.cascade.cache.testkit;

import java.time.Duration;

/**
 * The one latency bound of the outage tests: a call whose remote command timed out must return
 * within the command timeout plus {@link #SLACK}, the time its timer and threads may take to wake
 * on a busy machine.
 */
public final class Timing {
  /** The system property that sets {@link #SLACK}, in milliseconds. */
  public static final String SLACK_PROPERTY = "cascade.timing.slackMs";

  /**
   * 250 ms unless {@link #SLACK_PROPERTY} says otherwise: the 50 ms once allowed left too little
   * room for timer ticks, wake-ups and a GC pause on a loaded 2-core CI machine.
   */
  public static final Duration SLACK = Duration.ofMillis(Long.getLong(SLACK_PROPERTY, 250));

  private Timing() {}

  /**
   * Returns the bound, in nanoseconds, on a call bounded by {@code timeout}: the timeout plus
   * {@link #SLACK}. Refuses a slack of the timeout or more, under which a call that waited out two
   * timeouts would still pass.
   */
  public static long boundNanos(Duration timeout) {
    if (SLACK.compareTo(timeout) >= 0) {
      throw new IllegalStateException(
          "a slack of " + SLACK.toMillis() + " ms (" + SLACK_PROPERTY + ") must stay below the "
              + timeout.toMillis() + " ms timeout, or a call that waits twice would pass");
    }
    return timeout.plus(SLACK).toNanos();
  }
}
