package dev.cascade.cache.internal;

import dev.cascade.cache.spi.Checks;
import java.time.Duration;
import java.util.Collection;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * What a loading call asks of the entry it loads, besides its value: its own TTL ({@code null} for
 * the cache's default) and its tags (checked, immutable; empty for none). A call that asks for
 * neither passes no spec at all ({@code null}), so that the hit path builds nothing. Immutable.
 */
record EntrySpec(@Nullable Duration ttl, Set<String> tags) {

  /**
   * Returns the spec of a call with its own {@code ttl}.
   *
   * @throws IllegalArgumentException if {@code ttl} is zero or negative
   */
  static EntrySpec ofTtl(Duration ttl) {
    return new EntrySpec(Checks.requirePositive(ttl, "ttl"), Set.of());
  }

  /**
   * Returns the spec of a call with {@code tags}.
   *
   * @throws NullPointerException if {@code tags} or one of them is null
   * @throws IllegalArgumentException if a tag is empty
   */
  static EntrySpec ofTags(Collection<String> tags) {
    return new EntrySpec(null, Entries.checkTags(tags));
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
