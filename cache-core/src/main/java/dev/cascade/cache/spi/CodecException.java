package dev.cascade.cache.spi;

import dev.cascade.cache.CacheException;
import org.jspecify.annotations.Nullable;

/** Thrown by a {@link Codec} that cannot encode a value or decode bytes. */
public class CodecException extends CacheException {
  private static final long serialVersionUID = 1L;

  public CodecException(String message, @Nullable Throwable cause) {
    super(message, cause);
  }
}
