package dev.cascade.cache.spi;

import java.nio.ByteBuffer;

/**
 * Turns one stored value into what a bulk read answers for it, on the thread that decodes the
 * store's reply ({@link RemoteStore#getAllInOrder(java.util.List, ValueReader)}): the bytes are read
 * where the client received them, while they are still in that thread's CPU cache, instead of being
 * copied out whole and read again by the caller.
 *
 * <p>Implementations must be thread-safe, must not block, and must not throw: a store may run them on
 * its I/O thread, where a throw would fail the whole read (a store must then fail the read with that
 * exception, never answer part of it).
 *
 * @param <T> what a value is read into
 */
@FunctionalInterface
public interface ValueReader<T> {

  /**
   * Returns what {@code bytes} (one stored value, from its position to its limit) are read into. The
   * reader may move the buffer's position but must not keep the buffer, whose memory the store
   * reuses once this returns.
   */
  T read(ByteBuffer bytes);
}
