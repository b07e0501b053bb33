package dev.cascade.cache;

import org.jspecify.annotations.Nullable;

/**
 * Root of every exception Cascade throws on its own account. Backends translate their client's
 * exceptions into a subclass at their boundary and keep the original as the cause. A loader's
 * runtime exception is not wrapped: it reaches the caller unchanged.
 */
public class CacheException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public CacheException(String message) {
    super(message);
  }

  public CacheException(String message, @Nullable Throwable cause) {
    super(message, cause);
  }
}
