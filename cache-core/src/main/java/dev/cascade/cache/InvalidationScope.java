package dev.cascade.cache;

/** How far an invalidation reaches, as reported to a {@link CacheEventListener}. */
public enum InvalidationScope {
  /** Named keys. */
  KEY,
  /** Every entry of the cache. */
  ALL,
  /** The entries written with one tag. */
  TAG;

  /** Returns the name in lower case, the form meters use as a tag. */
  public String tagValue() {
    return name().toLowerCase(java.util.Locale.ROOT);
  }
}
