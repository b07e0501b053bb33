package dev.cascade.cache.redis;

import java.util.List;

/**
 * Writes a batch of queued changes to the system of record (a database) for a {@link WriteBehind}.
 * Apply the changes in list order: one key may occur several times in a batch (a put, then a
 * delete), and the last one must win. Writing only the last change of each key is allowed.
 *
 * <p>Delivery is at least once: after a crash, a lost lease or a failure of this writer, changes
 * that were already written may come again (with the same {@link Change#id()}), so writing must be
 * idempotent, e.g. an upsert or a delete that ignores a missing row. Called from the consumer's
 * partition threads, one batch at a time per partition: it must be thread-safe when there are
 * several partitions.
 */
@FunctionalInterface
public interface BatchWriter<K, V> {

  /**
   * Writes {@code batch} (unmodifiable, in queue order) and returns once the system of record has
   * it; the changes are acknowledged only then.
   *
   * @throws Exception if the batch was not written, or only partly: it is delivered again (one
   *     change at a time), and a change that keeps failing moves to the dead-letter stream
   */
  void write(List<Change<K, V>> batch) throws Exception;
}
