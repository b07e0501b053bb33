package dev.cascade.cache;

/**
 * Wraps a checked exception thrown by a loader (or a checked exception that failed a loader's
 * future). Runtime exceptions and errors of a loader are never wrapped.
 */
public class CacheLoaderException extends CacheException {
  private static final long serialVersionUID = 1L;

  public CacheLoaderException(String message, Throwable cause) {
    super(message, cause);
  }
}
