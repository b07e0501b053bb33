package dev.cascade.cache.internal;

import dev.cascade.cache.CacheEventListener;
import dev.cascade.cache.CircuitState;
import dev.cascade.cache.InvalidationScope;
import dev.cascade.cache.TierOperation;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;

/**
 * Where every part of the engine reports its events: forwards each to the cache's listeners and
 * drops anything a listener throws, so that observation never breaks a cache. Never on the
 * in-process hit path; without listeners an event costs one field read (each method checks before
 * it creates the capturing lambda, so a cache without listeners allocates nothing for events).
 *
 * <p>Invariant: {@link #listeners} is set once, by the factory, after the engine is built and
 * before the cache is returned or subscribed to any channel; until then it is empty. {@link
 * #closed()} reaches the listeners at most once. Thread-safe.
 */
final class Events {
  private volatile CacheEventListener[] listeners = {};
  /** Whether {@link #closed()} was reported: a cache closed by several threads at once reports it once. */
  private final AtomicBoolean closeReported = new AtomicBoolean();

  /** Sets the listeners; called once by the factory. */
  void setListeners(List<CacheEventListener> created) {
    listeners = created.toArray(CacheEventListener[]::new);
  }

  /** Whether any listener is set: without one, callers may skip measuring what they would report. */
  boolean observed() {
    return listeners.length != 0;
  }

  void tierLookups(int tier, int hits, int misses) {
    if (listeners.length != 0) {
      each(listener -> listener.tierLookups(tier, hits, misses));
    }
  }

  void tierStored(int tier, int entries) {
    if (listeners.length != 0) {
      each(listener -> listener.tierStored(tier, entries));
    }
  }

  void tierInvalidated(int tier, InvalidationScope scope, int count) {
    if (listeners.length != 0) {
      each(listener -> listener.tierInvalidated(tier, scope, count));
    }
  }

  void tierOperation(int tier, TierOperation operation, long nanos, @Nullable Throwable failure) {
    if (listeners.length != 0) {
      each(listener -> listener.tierOperation(tier, operation, nanos, failure));
    }
  }

  void circuitChanged(int tier, CircuitState state) {
    if (listeners.length != 0) {
      each(listener -> listener.circuitChanged(tier, state));
    }
  }

  void localFlushed() {
    if (listeners.length != 0) {
      each(CacheEventListener::localFlushed);
    }
  }

  void loaded(boolean success, long nanos) {
    if (listeners.length != 0) {
      each(listener -> listener.loaded(success, nanos));
    }
  }

  /** Reports that the cache was closed; only the first call reports, whoever makes it. */
  void closed() {
    if (!closeReported.getAndSet(true) && listeners.length != 0) {
      each(CacheEventListener::closed);
    }
  }

  private void each(Consumer<CacheEventListener> event) {
    CacheEventListener[] current = listeners;
    for (CacheEventListener listener : current) {
      try {
        event.accept(listener);
      } catch (RuntimeException ignored) {
        // a listener's failure is not the cache's
      }
    }
  }
}
