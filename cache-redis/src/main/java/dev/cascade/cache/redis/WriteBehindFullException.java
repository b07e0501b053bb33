package dev.cascade.cache.redis;

import dev.cascade.cache.CacheException;

/**
 * A {@link WriteBehind} refused a change because the key's partition already holds {@code
 * maxLength} changes not yet applied (and stayed full for the builder's {@code fullQueueWait}). The
 * change was not queued and the cache was left unchanged: nothing is dropped silently. Usually the
 * consumer is stopped or the database is slower than the writes.
 */
public class WriteBehindFullException extends CacheException {
  private static final long serialVersionUID = 1L;

  private final int partition;
  private final long maxLength;

  /** Creates the exception for {@code partition} of the queue {@code name}, full at {@code maxLength}. */
  public WriteBehindFullException(String name, int partition, long maxLength) {
    super("write-behind queue " + name + " is full: partition " + partition + " holds maxLength=" + maxLength
        + " changes not yet applied; the change was not queued");
    this.partition = partition;
    this.maxLength = maxLength;
  }

  /** Returns the full partition. */
  public int partition() {
    return partition;
  }

  /** Returns the limit that was reached. */
  public long maxLength() {
    return maxLength;
  }
}
