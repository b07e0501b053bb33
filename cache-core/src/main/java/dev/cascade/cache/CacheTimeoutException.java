package dev.cascade.cache;

import org.jspecify.annotations.Nullable;

/**
 * A remote operation did not complete within its configured timeout. Reads never throw it (they
 * fail open and count the error); writes and invalidations of a remote tier do, after the
 * in-process copy was dropped. The cause, when present, is the client's own timeout exception.
 */
public class CacheTimeoutException extends CacheException {
  private static final long serialVersionUID = 1L;

  /** Creates the exception with {@code message} and the client's {@code cause}, if any. */
  public CacheTimeoutException(String message, @Nullable Throwable cause) {
    super(message, cause);
  }
}
