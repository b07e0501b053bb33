package dev.cascade.cache.internal;

import java.time.Duration;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * What a loading call asks of the entry it loads, besides its value: its own TTL ({@code null} for
 * the cache's default) and its tags (checked, immutable; empty for none). A call that asks for
 * neither passes no spec at all ({@code null}), so that the hit path builds nothing. Immutable.
 */
record EntrySpec(@Nullable Duration ttl, Set<String> tags) {

  /**
   * Returns the spec of {@code ttl} and {@code tags}, both checked by the caller, or {@code null}
   * when they are the defaults (no TTL of its own, no tags); built only on a miss or a refresh, so
   * that a hit allocates nothing for it.
   */
  static @Nullable EntrySpec of(@Nullable Duration ttl, Set<String> tags) {
    return ttl == null && tags.isEmpty() ? null : new EntrySpec(ttl, tags);
  }

  /** The TTL {@code spec} asks for, {@code null} for the cache's default. */
  static @Nullable Duration ttlOf(@Nullable EntrySpec spec) {
    return spec == null ? null : spec.ttl;
  }

  /** The tags {@code spec} asks for, empty for none. */
  static Set<String> tagsOf(@Nullable EntrySpec spec) {
    return spec == null ? Set.of() : spec.tags;
  }
}
