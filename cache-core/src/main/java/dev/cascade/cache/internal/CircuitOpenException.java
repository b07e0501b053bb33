package dev.cascade.cache.internal;

import dev.cascade.cache.CacheException;

/** A call refused without trying because the store's circuit breaker is open. */
public final class CircuitOpenException extends CacheException {
  private static final long serialVersionUID = 1L;

  public CircuitOpenException(String tier) {
    super("circuit breaker of tier '" + tier + "' is open: the store failed repeatedly", null);
  }
}
