package dev.cascade.cache;

import org.jspecify.annotations.Nullable;

/**
 * A remote tier could not be reached: its connection is lost or refused, or its circuit breaker is
 * open after repeated failures and the call was refused without trying. Reads never throw it (they
 * fail open and count the error); writes and invalidations of a remote tier do, after the
 * in-process copy was dropped.
 */
public class CacheUnavailableException extends CacheException {
  private static final long serialVersionUID = 1L;

  /** Creates the exception with {@code message} and the underlying {@code cause}, if any. */
  public CacheUnavailableException(String message, @Nullable Throwable cause) {
    super(message, cause);
  }
}
