package dev.cascade.cache.codec;

import dev.cascade.cache.spi.Codec;

/**
 * Stores {@code byte[]} values as they are. Arrays are copied on the way in and out, so a caller
 * changing its array never changes a cached value (an array handed over by {@link #decodeOwned} is
 * the caller's alone, and is returned as it is). Thread-safe.
 */
public final class BytesCodec implements Codec<byte[]> {
  private static final BytesCodec INSTANCE = new BytesCodec();

  private BytesCodec() {}

  /** Returns the shared instance. */
  public static BytesCodec create() {
    return INSTANCE;
  }

  @Override
  public byte[] encode(byte[] value) {
    return value.clone();
  }

  @Override
  public byte[] decode(byte[] bytes) {
    return bytes.clone();
  }

  /** Returns {@code bytes} itself: the caller has handed the array over (see {@link Codec#decodeOwned}). */
  @Override
  public byte[] decodeOwned(byte[] bytes) {
    return bytes;
  }

  @Override
  public byte[] decode(byte[] bytes, int offset, int length) {
    java.util.Objects.checkFromIndexSize(offset, length, bytes.length);
    return java.util.Arrays.copyOfRange(bytes, offset, offset + length);
  }
}
