package dev.cascade.cache.internal;

import dev.cascade.cache.CircuitState;
import dev.cascade.cache.Ticker;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;

/**
 * Stops a cache from paying one timeout per call while a remote store is down. CLOSED counts
 * consecutive failures; at the threshold it turns OPEN and refuses calls at once for the open
 * duration; then one call is let through as a probe (HALF_OPEN): success closes the breaker and
 * runs the recovery action (flush the in-process tier, which may have missed invalidations),
 * failure opens it again. A timeout while CLOSED is not one failure among the threshold's: its
 * caller has already waited a whole command timeout, and every later caller would wait as long, so
 * it turns the breaker HALF_OPEN at once with the probe due now ({@link #onTimeout}). A store that
 * merely had one slow command answers that probe and the breaker closes within one round trip; a
 * dead one has cost one timeout, plus the probes. A probe whose call ends in an error that says nothing about the store (a
 * bad argument, {@link #onIgnored}) hands the probe to the next call; a probe that never reports
 * is replaced by a new one after another open duration, so a half-open breaker cannot stay so.
 *
 * <p>Thread-safe: state changes are compare-and-set. {@code openedAt} is when the breaker opened
 * while OPEN, and when the current probe was handed out while HALF_OPEN; at most one probe is
 * handed out per open duration, and a new one only after the last reported or that long passed.
 */
final class CircuitBreaker {

  private final String name;
  private final int failureThreshold;
  private final long openNanos;
  private final Ticker ticker;
  private final List<Consumer<CircuitState>> listeners = new CopyOnWriteArrayList<>();
  private final AtomicReference<CircuitState> state = new AtomicReference<>(CircuitState.CLOSED);
  private final AtomicInteger consecutiveFailures = new AtomicInteger();
  private final AtomicLong openedAt = new AtomicLong();
  private final AtomicLong openings = new AtomicLong();

  /** @param name what the breaker guards, as its log lines name it */
  CircuitBreaker(String name, int failureThreshold, Duration openDuration, Ticker ticker) {
    this.name = name;
    this.failureThreshold = failureThreshold;
    this.openNanos = Durations.nanos(openDuration); // at most ~73 years: readings minus it never overflow
    this.ticker = ticker;
  }

  /**
   * Tells {@code listener} of every later change of state, after it happened, on the thread that
   * made it: {@code CLOSED} after an outage is the recovery (each cache flushes its in-process tier).
   */
  void addListener(Consumer<CircuitState> listener) {
    listeners.add(listener);
  }

  /** Stops telling {@code listener}; called when its cache closes. */
  void removeListener(Consumer<CircuitState> listener) {
    listeners.remove(listener);
  }

  private void changed(CircuitState state, String why) {
    OperatorLog.BREAKER.log(
        state == CircuitState.CLOSED ? System.Logger.Level.INFO : System.Logger.Level.WARNING,
        "circuit breaker of {0}: {1}{2}",
        name,
        state,
        why);
    for (Consumer<CircuitState> listener : listeners) {
      try {
        listener.accept(state);
      } catch (RuntimeException e) { // one cache's failing flush must not keep the others from theirs
        OperatorLog.BREAKER.log(System.Logger.Level.WARNING, "a cache failed to apply a circuit change", e);
      }
    }
  }

  /**
   * Returns whether a call may go to the store now: always while CLOSED; while OPEN, to one caller
   * (the probe) once the open duration has passed; while HALF_OPEN, to one new caller once the
   * probe has not reported for an open duration. A caller that was allowed must report the call's
   * outcome with {@link #onSuccess}, {@link #onFailure} or {@link #onIgnored}.
   */
  boolean allow() {
    CircuitState current = state.get();
    if (current == CircuitState.CLOSED) {
      return true;
    }
    long now = ticker.read();
    long since = openedAt.get();
    if (now - since < openNanos) {
      return false;
    }
    if (current == CircuitState.OPEN) {
      // openedAt first, so that no caller sees HALF_OPEN with the opening's time and probes too
      if (!openedAt.compareAndSet(since, now)) {
        return false;
      }
      if (!state.compareAndSet(CircuitState.OPEN, CircuitState.HALF_OPEN)) {
        return false;
      }
      changed(CircuitState.HALF_OPEN, "; this call probes the store");
      return true; // this caller is the probe
    }
    // HALF_OPEN for an open duration: the probe never reported; this caller is the new probe
    return openedAt.compareAndSet(since, now);
  }

  /**
   * Returns whether {@link #allow()} would let a call through now, without handing out the probe:
   * for a step that precedes a counted call (a lock's revoke before the write), so that the step is
   * skipped exactly when the call would be refused.
   */
  boolean wouldAllow() {
    return state.get() == CircuitState.CLOSED || ticker.read() - openedAt.get() >= openNanos;
  }

  /** Records a call that succeeded. */
  void onSuccess() {
    // Written only when there is something to reset: the breaker is shared by every call to one
    // store, and a volatile store on each success is a fenced write to a line that every caller's
    // allow() reads. A failure counted meanwhile is ordered after this success, or before it and
    // reset, as with a store on every success.
    if (consecutiveFailures.get() != 0) {
      consecutiveFailures.set(0);
    }
    CircuitState current = state.get();
    if (current != CircuitState.CLOSED && state.compareAndSet(current, CircuitState.CLOSED)) {
      changed(CircuitState.CLOSED, "");
    }
  }

  /** Records a call that failed for a reason of the store (timeout, connection). */
  void onFailure() {
    CircuitState current = state.get();
    if (current == CircuitState.HALF_OPEN) {
      open(CircuitState.HALF_OPEN);
    } else if (current == CircuitState.CLOSED && consecutiveFailures.incrementAndGet() >= failureThreshold) {
      open(CircuitState.CLOSED);
    }
  }

  /**
   * Records a call that timed out (the store did not answer within its command timeout): while
   * CLOSED, turns the breaker HALF_OPEN with its probe due at once; while HALF_OPEN, opens it, as
   * any failure does; while OPEN, does nothing.
   */
  void onTimeout() {
    CircuitState current = state.get();
    if (current == CircuitState.HALF_OPEN) {
      open(CircuitState.HALF_OPEN);
    } else if (current == CircuitState.CLOSED) {
      // openedAt first, as allow() does: an open duration ago, so that the next allow() probes
      openedAt.set(ticker.read() - openNanos);
      if (state.compareAndSet(CircuitState.CLOSED, CircuitState.HALF_OPEN)) {
        consecutiveFailures.set(0);
        changed(CircuitState.HALF_OPEN, " after a command timeout; the next call probes the store");
      }
    }
  }

  /**
   * Records a call that ended in an error that is neither a success nor a failure of the store (a
   * bad argument, a value the store refuses): counts nothing, and if the call was a half-open
   * breaker's probe, lets the next call probe at once. Does nothing while CLOSED or OPEN.
   */
  void onIgnored() {
    if (state.get() == CircuitState.HALF_OPEN) {
      long probeAt = openedAt.get();
      // As if the probe had been handed out an open duration ago: the next allow() hands out another.
      openedAt.compareAndSet(probeAt, probeAt - openNanos);
    }
  }

  /** Returns the current state. */
  CircuitState state() {
    return state.get();
  }

  /** Returns how many times the breaker has opened. */
  long openings() {
    return openings.get();
  }

  private void open(CircuitState from) {
    openedAt.set(ticker.read());
    if (state.compareAndSet(from, CircuitState.OPEN)) {
      openings.incrementAndGet();
      changed(
          CircuitState.OPEN,
          (from == CircuitState.HALF_OPEN ? " after its probe failed" : " after " + failureThreshold + " consecutive failures")
              + "; calls refused for " + Duration.ofNanos(openNanos));
    }
  }
}
