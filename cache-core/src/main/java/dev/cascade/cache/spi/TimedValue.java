package dev.cascade.cache.spi;

import java.time.Duration;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * A value read from a {@link RemoteStore} with the time it has left there: what a cache whose values
 * carry no expiry of their own (raw values) reads, so that nearer tiers never keep a copy longer
 * than the store keeps the value.
 *
 * @param value the stored bytes
 * @param remaining the time the value has left in the store, or {@code null} when it has no expiry
 *     or the store cannot tell
 * @param foreign whether the store knows, from what it keeps beside the value, that the value is not
 *     in the cache's format at all (Memcached: client flags of a Java-serialized object, a byte
 *     array, a compressed or pickled value). Core then never hands the bytes to the codec: it counts
 *     the value as a decode failure, deletes it if it is unchanged and reads a miss, as for a value
 *     the codec rejects
 */
public record TimedValue(byte[] value, @Nullable Duration remaining, boolean foreign) {
  public TimedValue {
    Objects.requireNonNull(value, "value");
  }

  /** A value in the cache's format (as far as the store can tell): {@code foreign} is false. */
  public TimedValue(byte[] value, @Nullable Duration remaining) {
    this(value, remaining, false);
  }
}
