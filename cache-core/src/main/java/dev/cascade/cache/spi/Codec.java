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

  /**
   * Returns the value encoded in the {@code length} bytes of {@code bytes} from {@code offset}: the
   * payload of a remote value read in place, without copying it out of its envelope first. The
   * codec must not change {@code bytes} nor keep a reference to them after it returns. The default
   * copies the range and calls {@link #decode(byte[])}; a codec that can read a range overrides it
   * and must answer exactly as {@link #decode(byte[])} does on the copy.
   *
   * @throws CodecException if the bytes are not a value of this codec's type
   * @throws IndexOutOfBoundsException if the range is not within {@code bytes}
   */
  default V decode(byte[] bytes, int offset, int length) {
    java.util.Objects.checkFromIndexSize(offset, length, bytes.length);
    return decode(java.util.Arrays.copyOfRange(bytes, offset, offset + length));
  }

  /**
   * Returns the value encoded in {@code bytes}, an array the caller hands over: it never reads or
   * changes the array again, so the codec may return it (or keep it in what it returns) instead of
   * copying it. Core calls this for a payload that a store's {@link ValueReader} has already copied
   * out of its envelope. The default calls {@link #decode(byte[])}; {@code BytesCodec} returns the
   * array itself.
   *
   * @throws CodecException if the bytes are not a value of this codec's type
   */
  default V decodeOwned(byte[] bytes) {
    return decode(bytes);
  }
}
