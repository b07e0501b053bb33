package dev.cascade.cache.internal;

import dev.cascade.cache.Ticker;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Stops a cache from paying one timeout per call while a remote store is down. CLOSED counts
 * consecutive failures; at the threshold it turns OPEN and refuses calls at once for the open
 * duration; then one call is let through as a probe (HALF_OPEN): success closes the breaker and
 * runs the recovery action (flush the in-process tier, which may have missed invalidations),
 * failure opens it again. A probe whose call ends in an error that says nothing about the store (a
 * bad argument, {@link #onIgnored}) hands the probe to the next call; a probe that never reports
 * is replaced by a new one after another open duration, so a half-open breaker cannot stay so.
 *
 * <p>Thread-safe: state changes are compare-and-set. {@code openedAt} is when the breaker opened
 * while OPEN, and when the current probe was handed out while HALF_OPEN; at most one probe is
 * handed out per open duration, and a new one only after the last reported or that long passed.
 */
public final class CircuitBreaker {

  /** The breaker's states. */
  public enum State {
    CLOSED,
    OPEN,
    HALF_OPEN
  }

  private final int failureThreshold;
  private final long openNanos;
  private final Ticker ticker;
  private final Runnable onRecovery;
  private final AtomicReference<State> state = new AtomicReference<>(State.CLOSED);
  private final AtomicInteger consecutiveFailures = new AtomicInteger();
  private final AtomicLong openedAt = new AtomicLong();
  private final AtomicLong openings = new AtomicLong();

  public CircuitBreaker(int failureThreshold, Duration openDuration, Ticker ticker, Runnable onRecovery) {
    this.failureThreshold = failureThreshold;
    this.openNanos = openDuration.toNanos();
    this.ticker = ticker;
    this.onRecovery = onRecovery;
  }

  /**
   * Returns whether a call may go to the store now: always while CLOSED; while OPEN, to one caller
   * (the probe) once the open duration has passed; while HALF_OPEN, to one new caller once the
   * probe has not reported for an open duration. A caller that was allowed must report the call's
   * outcome with {@link #onSuccess}, {@link #onFailure} or {@link #onIgnored}.
   */
  public boolean allow() {
    State current = state.get();
    if (current == State.CLOSED) {
      return true;
    }
    long now = ticker.read();
    long since = openedAt.get();
    if (now - since < openNanos) {
      return false;
    }
    if (current == State.OPEN) {
      // openedAt first, so that no caller sees HALF_OPEN with the opening's time and probes too
      if (!openedAt.compareAndSet(since, now)) {
        return false;
      }
      return state.compareAndSet(State.OPEN, State.HALF_OPEN); // this caller is the probe
    }
    // HALF_OPEN for an open duration: the probe never reported; this caller is the new probe
    return openedAt.compareAndSet(since, now);
  }

  /** Records a call that succeeded. */
  public void onSuccess() {
    consecutiveFailures.set(0);
    State current = state.get();
    if (current != State.CLOSED && state.compareAndSet(current, State.CLOSED)) {
      onRecovery.run();
    }
  }

  /** Records a call that failed for a reason of the store (timeout, connection). */
  public void onFailure() {
    State current = state.get();
    if (current == State.HALF_OPEN) {
      open(State.HALF_OPEN);
    } else if (current == State.CLOSED && consecutiveFailures.incrementAndGet() >= failureThreshold) {
      open(State.CLOSED);
    }
  }

  /**
   * Records a call that ended in an error that is neither a success nor a failure of the store (a
   * bad argument, a value the store refuses): counts nothing, and if the call was a half-open
   * breaker's probe, lets the next call probe at once. Does nothing while CLOSED or OPEN.
   */
  public void onIgnored() {
    if (state.get() == State.HALF_OPEN) {
      long probeAt = openedAt.get();
      // As if the probe had been handed out an open duration ago: the next allow() hands out another.
      openedAt.compareAndSet(probeAt, probeAt - openNanos);
    }
  }

  /** Returns the current state. */
  public State state() {
    return state.get();
  }

  /** Returns how many times the breaker has opened. */
  public long openings() {
    return openings.get();
  }

  private void open(State from) {
    openedAt.set(ticker.read());
    if (state.compareAndSet(from, State.OPEN)) {
      openings.incrementAndGet();
    }
  }
}
