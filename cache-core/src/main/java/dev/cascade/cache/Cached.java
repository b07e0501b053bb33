package dev.cascade.cache;

import org.jspecify.annotations.Nullable;

/**
 * What {@link Cache#lookup} found: a value, or a cached absence (the loader found nothing and the
 * cache keeps that for its {@code nullTtl}). A miss is {@code null} instead of a {@code Cached}.
 *
 * @param value the cached value, or {@code null} for a cached absence
 */
public record Cached<V>(@Nullable V value) {

  /** Returns whether the cache holds an absence rather than a value. */
  public boolean isNull() {
    return value == null;
  }
}
