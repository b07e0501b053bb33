package dev.cascade.cache;

/**
 * Wraps a checked exception thrown by a write-through writer or deleter (or one that failed its
 * future). Runtime exceptions and errors of a writer are never wrapped. When it is thrown, the
 * cache was left unchanged.
 */
public class CacheWriterException extends CacheException {
  private static final long serialVersionUID = 1L;

  /** Creates the exception with {@code message} and the writer's checked {@code cause}. */
  public CacheWriterException(String message, Throwable cause) {
    super(message, cause);
  }
}
