package dev.cascade.cache.memory;

import dev.cascade.cache.spi.KeyCodec;
import java.util.concurrent.ConcurrentHashMap;
import org.jspecify.annotations.Nullable;

/**
 * The alias index of a {@link CaffeineTier}: from the string an invalidation message carries (the
 * key's encoded form under the cache's {@link KeyCodec}) to the key, so that a message finds the
 * entry. A key the codec {@linkplain KeyCodec#canDecode can decode} is read back from its alias and
 * is not indexed. The tier adds and removes a key's alias under that key's lock (its computes),
 * together with the entry, so the index holds no more keys than the tier.
 *
 * <p>Thread-safe. Removal is conditional on the alias still naming that key.
 */
final class KeyAliases<K> {
  private final KeyCodec<? super K> codec;
  private final ConcurrentHashMap<String, K> keys = new ConcurrentHashMap<>();

  KeyAliases(KeyCodec<? super K> codec) {
    this.codec = codec;
  }

  /** Whether {@code key} needs an entry in the index (its alias does not name it alone). */
  boolean needsIndexEntry(K key) {
    return !codec.canDecode(key);
  }

  void add(K key) {
    if (needsIndexEntry(key)) {
      keys.put(codec.encode(key), key);
    }
  }

  void remove(K key) {
    if (needsIndexEntry(key)) {
      keys.remove(codec.encode(key), key);
    }
  }

  /**
   * Returns the key whose alias is {@code alias}, or null: the indexed one, else the one the codec
   * reads back (which may be of a type the tier does not hold; it then equals none of its keys). A
   * codec that throws reads nothing back.
   */
  @Nullable Object keyOf(String alias) {
    K indexed = keys.get(alias);
    return indexed != null ? indexed : KeyCodec.decodeOrNull(codec, alias);
  }

  /** How many keys the index holds (the keys that are not read back from their aliases). */
  int indexed() {
    return keys.size();
  }
}
