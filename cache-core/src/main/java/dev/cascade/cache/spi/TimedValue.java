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
 */
public record TimedValue(byte[] value, @Nullable Duration remaining) {
  public TimedValue {
    Objects.requireNonNull(value, "value");
  }
}
