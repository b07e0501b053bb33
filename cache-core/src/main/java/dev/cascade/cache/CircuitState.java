package dev.cascade.cache;

/**
 * The state of a remote tier's circuit breaker. {@link #CLOSED}: calls go to the store; {@link
 * #OPEN}: calls are refused at once, after repeated failures; {@link #HALF_OPEN}: one probe call is
 * in flight, whose outcome closes or reopens the breaker.
 */
public enum CircuitState {
  CLOSED,
  OPEN,
  HALF_OPEN
}
