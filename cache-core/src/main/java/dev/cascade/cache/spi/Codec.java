package dev.cascade.cache.spi;

/**
 * Turns a cache's values into bytes for remote tiers and back. The value type is fixed per codec:
 * a codec never picks a class from the bytes it reads (no Java serialization, no polymorphic
 * typing).
 *
 * <p>Implementations must be thread-safe. {@link #decode} throws {@link CodecException} on bytes it
 * cannot read; the cache counts that as a miss and deletes the bad value, so no codec exception
 * reaches a caller.
 */
public interface Codec<V> {

  /**
   * Returns the bytes of {@code value}.
   *
   * @throws CodecException if the value cannot be encoded
   */
  byte[] encode(V value);

  /**
   * Returns the value encoded in {@code bytes}.
   *
   * @throws CodecException if the bytes are not a value of this codec's type
   */
  V decode(byte[] bytes);
}
