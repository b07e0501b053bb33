package dev.cascade.cache.internal;

import dev.cascade.cache.CacheUnavailableException;

/** A call refused without trying because the store's circuit breaker is open. */
final class CircuitOpenException extends CacheUnavailableException {
  private static final long serialVersionUID = 1L;

  CircuitOpenException(String tier) {
    super("circuit breaker of tier '" + tier + "' is open: the store failed repeatedly", null);
  }
}
