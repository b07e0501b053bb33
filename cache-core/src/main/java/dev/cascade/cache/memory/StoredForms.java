package dev.cascade.cache.memory;

import dev.cascade.cache.spi.TierEntry;
import java.util.Set;
import java.util.function.ToIntBiFunction;

/**
 * The two forms in which a {@link CaffeineTier} stores an entry in Caffeine: the bare value, for a
 * <em>plain</em> entry (a non-null value that is not itself a {@link TierEntry}, without expiry and
 * without tags: the common case, so that a hit reads no holder object), or else the {@code
 * TierEntry} itself. So a stored object is a {@code TierEntry} exactly when it is a holder. A plain
 * entry read back as a {@code TierEntry} has no expiry or tags, and {@code writtenAtMillis} and
 * {@code loadNanos} of 0: the tier does not keep them for plain entries. Stateless.
 */
final class StoredForms {
  private StoredForms() {}

  /** Returns what Caffeine holds for {@code entry}: its bare value when plain, else the entry. */
  static Object of(TierEntry<?> entry) {
    Object value = entry.value();
    boolean plain =
        value != null
            && !(value instanceof TierEntry)
            && entry.expiresAtMillis() == TierEntry.NO_EXPIRY
            && entry.tags().isEmpty();
    return plain ? value : entry;
  }

  /** Returns the entry that {@code stored}, the stored form of a plain entry, stands for. */
  @SuppressWarnings("unchecked")
  static <V> TierEntry<V> plainEntry(Object stored) {
    return new TierEntry<>((V) stored, TierEntry.NO_EXPIRY, 0, 0, Set.of());
  }

  /** Returns whether {@code stored} is a holder whose entry carries tags. */
  static boolean hasTags(Object stored) {
    return stored instanceof TierEntry<?> entry && !entry.tags().isEmpty();
  }

  /**
   * Returns the weight of {@code stored} under {@code key} by the user's {@code weigher}; 1 for a
   * cached absence.
   *
   * @throws IllegalArgumentException if the weigher returns a negative weight
   */
  @SuppressWarnings("unchecked")
  static <K, V> int weigh(ToIntBiFunction<? super K, ? super V> weigher, Object key, Object stored) {
    V value = stored instanceof TierEntry<?> entry ? (V) entry.value() : (V) stored;
    if (value == null) {
      return 1;
    }
    int weight = weigher.applyAsInt((K) key, value);
    if (weight < 0) {
      throw new IllegalArgumentException("weigher returned negative weight " + weight + " for key " + key);
    }
    return weight;
  }
}
