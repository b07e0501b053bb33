package dev.cascade.cache.spi;

/**
 * What a {@link RemoteStore} can and cannot do, declared so that core picks the right path instead
 * of guessing.
 *
 * @param maxKeyBytes the longest key the protocol accepts, in UTF-8 bytes; longer keys are hashed
 * @param binarySafeKeys whether keys may contain spaces and control characters; if not, such keys
 *     are hashed
 * @param maxValueBytes the largest value the store accepts, or {@link Integer#MAX_VALUE}
 * @param atomicMultiGet whether {@link RemoteStore#getAll} is one atomic read
 * @param touchOnRead whether {@link RemoteStore#getAndTouch} and {@link RemoteStore#getAllAndTouch}
 *     read and move a TTL in one atomic step per key; a cache with {@code expireAfterAccess} accepts
 *     only stores that say so
 */
public record StoreCapabilities(
    int maxKeyBytes, boolean binarySafeKeys, int maxValueBytes, boolean atomicMultiGet, boolean touchOnRead) {

  /** Capabilities of a store that cannot read and touch in one step ({@code touchOnRead} false). */
  public StoreCapabilities(int maxKeyBytes, boolean binarySafeKeys, int maxValueBytes, boolean atomicMultiGet) {
    this(maxKeyBytes, binarySafeKeys, maxValueBytes, atomicMultiGet, false);
  }

  public StoreCapabilities {
    if (maxKeyBytes < 80) {
      throw new IllegalArgumentException("maxKeyBytes must be at least 80, was " + maxKeyBytes);
    }
    if (maxValueBytes <= 0) {
      throw new IllegalArgumentException("maxValueBytes must be positive, was " + maxValueBytes);
    }
  }
}
