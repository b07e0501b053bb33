package dev.cascade.cache.memory;

import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;

/**
 * The alias index of a {@link CaffeineTier}: from the string an invalidation message carries (the
 * encoded key) to the key, so that a message finds the entry. The tier adds and removes a key's
 * alias under that key's lock (its computes), together with the entry, so the index holds no more
 * keys than the tier.
 *
 * <p>Thread-safe. Removal is conditional on the alias still naming that key.
 */
final class KeyAliases<K> {
  private final Function<? super K, String> aliasOf;
  private final ConcurrentHashMap<String, K> keys = new ConcurrentHashMap<>();

  KeyAliases(Function<? super K, String> aliasOf) {
    this.aliasOf = aliasOf;
  }

  void add(K key) {
    keys.put(aliasOf.apply(key), key);
  }

  void remove(K key) {
    keys.remove(aliasOf.apply(key), key);
  }

  /** Returns the key whose alias is {@code alias}, or null. */
  @Nullable K keyOf(String alias) {
    return keys.get(alias);
  }
}
