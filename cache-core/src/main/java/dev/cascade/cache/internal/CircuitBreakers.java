package dev.cascade.cache.internal;

import dev.cascade.cache.CircuitState;
import dev.cascade.cache.Ticker;
import java.lang.ref.WeakReference;
import java.time.Duration;
import java.util.Map;
import java.util.WeakHashMap;
import java.util.function.Consumer;

/**
 * One circuit breaker per failure domain ({@code RemoteStore.failureDomain()}), shared by every
 * cache whose stores name that domain: a dead server costs one breaker's worth of timeouts, not one
 * per cache. The first cache built on a domain sets its breaker's threshold, open duration and
 * ticker.
 *
 * <p>Invariants: domains are held weakly, and nothing a breaker holds leads back to its domain (a
 * cache subscribes through a {@link WeakReference} to its engine), so a domain no cache uses any
 * more is collected with its breaker. Thread-safe: the map is guarded by its own lock.
 */
final class CircuitBreakers {
  private static final Map<Object, CircuitBreaker> BY_DOMAIN = new WeakHashMap<>();

  private CircuitBreakers() {}

  /** Returns the breaker of {@code domain}, creating it with these settings if it has none yet. */
  static CircuitBreaker forDomain(Object domain, int failureThreshold, Duration openDuration, Ticker ticker) {
    synchronized (BY_DOMAIN) {
      return BY_DOMAIN.computeIfAbsent(domain, d -> new CircuitBreaker(String.valueOf(d), failureThreshold, openDuration, ticker));
    }
  }

  /**
   * Subscribes {@code engine}'s tier {@code tier} to {@code breaker}: each change is reported to the
   * engine's listeners, and a recovery flushes its in-process tier. Returns what unsubscribes it.
   */
  static Runnable subscribe(CircuitBreaker breaker, CacheEngine<?, ?> engine, int tier) {
    WeakReference<CacheEngine<?, ?>> weakEngine = new WeakReference<>(engine);
    Consumer<CircuitState> listener =
        new Consumer<>() {
          @Override
          public void accept(CircuitState state) {
            CacheEngine<?, ?> current = weakEngine.get();
            if (current == null) {
              breaker.removeListener(this); // its cache was collected without being closed
              return;
            }
            current.events.circuitChanged(tier, state);
            if (state == CircuitState.CLOSED) {
              current.onStoreRecovered(); // in-process copies may have missed invalidations
            }
          }
        };
    breaker.addListener(listener);
    return () -> breaker.removeListener(listener);
  }
}
