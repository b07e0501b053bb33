package dev.cascade.cache;

/**
 * Deletes one entry from the system of record (a database) in a write-through: {@link
 * Cache#delete(Object, CacheDeleter)} calls it first and invalidates the key only after it
 * returned. Called on the caller's thread; may block. Must be thread-safe if shared.
 */
@FunctionalInterface
public interface CacheDeleter<K> {

  /**
   * Deletes {@code key} from the system of record.
   *
   * @throws Exception any failure; the cache stays unchanged and the caller gets it (a checked one
   *     wrapped in {@link CacheWriterException})
   */
  void delete(K key) throws Exception;
}
