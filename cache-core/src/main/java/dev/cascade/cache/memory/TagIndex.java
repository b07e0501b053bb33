package dev.cascade.cache.memory;

import dev.cascade.cache.spi.TierEntry;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.jspecify.annotations.Nullable;

/**
 * The tag index of a {@link CaffeineTier}: for each tag, the keys of the entries that carry it, each
 * mapped to the very entry object that carries it. The tier links an entry when it stores it and
 * unlinks exactly that object when it removes or replaces it (see the tier's invariant), so the
 * index holds no more than the tier, and a tag without members is dropped: it does not leak.
 *
 * <p>Thread-safe. Links are added, and emptied member maps dropped, under the tag's lock ({@code
 * compute} of the outer map): adding to a member map that a concurrent unlink is about to drop would
 * lose the link. Unlinking removes a key's link only if it is still to the given entry object, so
 * an unlink never removes the link of a later write of the same key.
 */
final class TagIndex<K> {
  private final ConcurrentHashMap<String, ConcurrentHashMap<K, Object>> members = new ConcurrentHashMap<>();

  /** Links {@code key} to {@code entry} under each of the entry's tags. */
  void link(K key, TierEntry<?> entry) {
    for (String tag : entry.tags()) {
      members.compute(
          tag,
          (t, linked) -> {
            ConcurrentHashMap<K, Object> keys = linked == null ? new ConcurrentHashMap<>() : linked;
            keys.put(key, entry);
            return keys;
          });
    }
  }

  /** Undoes {@link #link} for exactly {@code entry}. */
  void unlink(K key, TierEntry<?> entry) {
    for (String tag : entry.tags()) {
      members.computeIfPresent(
          tag,
          (t, keys) -> {
            keys.remove(key, entry);
            return keys.isEmpty() ? null : keys;
          });
    }
  }

  /** Removes {@code tag} and returns its members (key to the entry object linked), or null. */
  @Nullable Map<K, Object> remove(String tag) {
    return members.remove(tag);
  }

  /** Returns the number of tags with at least one member. */
  int size() {
    return members.size();
  }
}
