package dev.cascade.cache;

/**
 * Writes one entry to the system of record (a database) in a write-through: {@link
 * Cache#write(Object, Object, CacheWriter)} calls it first and changes the cache only after it
 * returned. Called on the caller's thread; may block. Must be thread-safe if shared.
 */
@FunctionalInterface
public interface CacheWriter<K, V> {

  /**
   * Stores {@code value} under {@code key} in the system of record.
   *
   * @throws Exception any failure; the cache stays unchanged and the caller gets it (a checked one
   *     wrapped in {@link CacheWriterException})
   */
  void write(K key, V value) throws Exception;
}
