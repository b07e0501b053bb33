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
 * @param version a random 64-bit value, replaced on every invalidation of the tag
 * @param invalidatedAtMillis when the tag was last invalidated (wall clock), {@code 0} if never;
 *     an entry whose load started before this instant is invalid even if it carries the current
 *     version
 */
public record TagVersion(long version, long invalidatedAtMillis) {

  /** The encoded size of a tag version. */
  public static final int BYTES = 16;

  /** Returns a fresh random version invalidated at {@code invalidatedAtMillis}. */
  public static TagVersion fresh(long invalidatedAtMillis) {
    return new TagVersion(ThreadLocalRandom.current().nextLong(), invalidatedAtMillis);
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
