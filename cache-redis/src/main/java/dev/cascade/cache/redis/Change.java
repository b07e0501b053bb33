package dev.cascade.cache.redis;

import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * One queued change of a {@link WriteBehind}: {@code key} was set to {@code value}, or deleted when
 * {@code value} is {@code null}. {@code id} is the Redis stream id of the change, unique and
 * increasing within its {@code partition} (and so within its key): a writer may store it to ignore
 * a change older than one it already applied. Immutable.
 *
 * @param key the key
 * @param value the new value, or {@code null} for a delete
 * @param id the stream id, such as {@code 1733180000000-0}
 * @param partition the partition the key belongs to
 */
public record Change<K, V>(K key, @Nullable V value, String id, int partition) {

  /**
   * Creates a change.
   *
   * @throws NullPointerException if {@code key} or {@code id} is null
   */
  public Change {
    Objects.requireNonNull(key, "key");
    Objects.requireNonNull(id, "id");
  }

  /** Returns whether this change deletes its key. */
  public boolean isDelete() {
    return value == null;
  }
}
