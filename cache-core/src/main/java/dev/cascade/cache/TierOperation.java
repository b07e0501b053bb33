package dev.cascade.cache;

import java.util.Locale;

/** An operation of a cache on one of its tiers, as reported to a {@link CacheEventListener}. */
public enum TierOperation {
  /** A single-key read. */
  GET,
  /** A multi-key read ({@code getAll}). */
  GET_ALL,
  /** A single-key write, conditional (under a lease) or not. */
  PUT,
  /** A multi-key write. */
  PUT_ALL,
  /** A single-key invalidation. */
  INVALIDATE,
  /** A multi-key or whole-cache invalidation. */
  INVALIDATE_ALL,
  /** A tag invalidation. */
  INVALIDATE_TAG,
  /** Taking or releasing a distributed stampede lease. */
  LEASE;

  /** Returns the name in lower snake case, such as {@code put_all}: the form meters use as a tag. */
  public String tagValue() {
    return name().toLowerCase(Locale.ROOT);
  }
}
