package dev.cascade.cache.spi;

import java.nio.ByteBuffer;
import java.util.concurrent.ThreadLocalRandom;
import org.jspecify.annotations.Nullable;

/**
 * The current version of a tag in a remote store. Entries record the version of each of their tags
 * when written; an entry whose recorded version differs from the current one, or whose tag has no
 * version any more (evicted bookkeeping), is invalid. Versions are random, never counted, so that a
 * version lost to eviction can never come back and resurrect old entries.
 *
 * <p>A record is written either by an invalidation or by a writer that found none (a tag never
 * used, or one whose record the store evicted, perhaps with the time of an invalidation). The sign
 * of {@code invalidatedAtMillis} tells them apart: an invalidation stores its time ({@code >= 0}); a
 * writer stores minus the time it created the record. An entry that carries the record's version is
 * valid ({@link #admits}) unless it was written before the invalidation, or unless it was loaded
 * (its load may have read the source before an invalidation whose record was evicted) before the
 * record was created. A put is not judged by a record's creation, so two writers creating a record
 * at once never hide each other's puts. Readers that predate creation stamps read them as never
 * invalidated (a negative time is before every write), as they read records before: the protection
 * holds once every instance reads them.
 *
 * @param version a random 64-bit value, replaced on every invalidation of the tag
 * @param invalidatedAtMillis when the tag was last invalidated (wall clock); or, when negative, minus
 *     the time a writer created the record; {@code 0} in a record created by a writer that predates
 *     creation stamps
 */
public record TagVersion(long version, long invalidatedAtMillis) {

  /** The encoded size of a tag version. */
  public static final int BYTES = 16;

  /** Returns a fresh random version invalidated at {@code invalidatedAtMillis} ({@code >= 0}). */
  public static TagVersion fresh(long invalidatedAtMillis) {
    return new TagVersion(ThreadLocalRandom.current().nextLong(), invalidatedAtMillis);
  }

  /**
   * Returns a fresh random version for a record a writer creates at {@code createdAtMillis} because
   * the tag has none.
   *
   * @throws IllegalArgumentException if {@code createdAtMillis} is negative
   */
  public static TagVersion created(long createdAtMillis) {
    if (createdAtMillis < 0) {
      throw new IllegalArgumentException("createdAtMillis must not be negative: " + createdAtMillis);
    }
    return new TagVersion(ThreadLocalRandom.current().nextLong(), -createdAtMillis);
  }

  /**
   * Whether this record lets an entry that carries its version be served: an entry written (or whose
   * load began) at {@code writtenAtMillis}, produced by a load if {@code loaded}.
   */
  public boolean admits(long writtenAtMillis, boolean loaded) {
    if (invalidatedAtMillis >= 0) {
      return invalidatedAtMillis <= writtenAtMillis;
    }
    return !loaded || -invalidatedAtMillis <= writtenAtMillis;
  }

  /** Returns the 16-byte big-endian form stored under the tag's key. */
  public byte[] toBytes() {
    return ByteBuffer.allocate(BYTES).putLong(version).putLong(invalidatedAtMillis).array();
  }

  /** Parses the stored form, or returns {@code null} when {@code bytes} is not a tag version. */
  public static @Nullable TagVersion fromBytes(byte @Nullable [] bytes) {
    if (bytes == null || bytes.length != BYTES) {
      return null;
    }
    ByteBuffer buffer = ByteBuffer.wrap(bytes);
    return new TagVersion(buffer.getLong(), buffer.getLong());
  }
}
