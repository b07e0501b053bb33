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
 * failure opens it again.
 *
 * <p>Thread-safe: state changes are compare-and-set; at most one probe is in flight.
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

  /** Returns whether a call may go to the store now. */
  public boolean allow() {
    State current = state.get();
    if (current == State.CLOSED) {
      return true;
    }
    if (current == State.OPEN && ticker.read() - openedAt.get() >= openNanos) {
      return state.compareAndSet(State.OPEN, State.HALF_OPEN); // this caller is the probe
    }
    return false;
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
