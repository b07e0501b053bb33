package dev.cascade.cache.spring;

import dev.cascade.cache.codec.JsonCodec;
import dev.cascade.cache.spi.Checks;
import dev.cascade.cache.spi.Codec;
import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.Objects;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * The settings of one cache of a {@link CascadeCacheManager}: size and TTL of the in-process tier,
 * whether the cache is layered over the manager's remote store, TTL, TTL jitter, how long an absence
 * (a method's {@code null}) is cached, the value codec and the tags every entry gets.
 *
 * <p>The manager hands each cache's configurer a copy of its {@linkplain
 * CascadeCacheManager.Builder#defaults defaults}, so a setter here overrides the default for that
 * cache only; unlike Cascade's {@code CacheBuilder}, a setting may be set again (the last one
 * wins). A bad value throws {@link IllegalArgumentException} naming it. Mutable and not
 * thread-safe: the manager reads it once, when it builds the cache.
 */
public final class CascadeCacheSpec {
  private long maximumSize = 10_000;
  private @Nullable Duration localTtl;
  private boolean layered = true;
  private @Nullable Duration ttl;
  private double ttlJitter;
  private @Nullable Duration nullTtl;
  private @Nullable Codec<?> valueCodec;
  private Set<String> tags = Set.of();

  CascadeCacheSpec() {}

  CascadeCacheSpec copy() {
    CascadeCacheSpec copy = new CascadeCacheSpec();
    copy.maximumSize = maximumSize;
    copy.localTtl = localTtl;
    copy.layered = layered;
    copy.ttl = ttl;
    copy.ttlJitter = ttlJitter;
    copy.nullTtl = nullTtl;
    copy.valueCodec = valueCodec;
    copy.tags = tags;
    return copy;
  }

  /**
   * Sets the in-process tier's maximum number of entries (default 10 000).
   *
   * @throws IllegalArgumentException if not positive
   */
  public CascadeCacheSpec maximumSize(long maximumSize) {
    if (maximumSize <= 0) {
      throw new IllegalArgumentException("maximumSize must be positive, was " + maximumSize);
    }
    this.maximumSize = maximumSize;
    return this;
  }

  /**
   * Sets the longest an entry lives in the in-process tier (default: the entry's TTL; in a layered
   * cache at most Cascade's default maximum lifetime of an in-process copy, one minute).
   *
   * @throws IllegalArgumentException if not positive
   */
  public CascadeCacheSpec localTtl(Duration localTtl) {
    this.localTtl = Checks.requirePositive(localTtl, "localTtl");
    return this;
  }

  /**
   * Sets whether the cache is layered over the manager's remote store, when it has one (default
   * {@code true}); {@code false} keeps this cache in process.
   */
  public CascadeCacheSpec layered(boolean layered) {
    this.layered = layered;
    return this;
  }

  /**
   * Sets the TTL of entries (default: none; entries live until evicted or invalidated).
   *
   * @throws IllegalArgumentException if not positive
   */
  public CascadeCacheSpec ttl(Duration ttl) {
    this.ttl = Checks.requirePositive(ttl, "ttl");
    return this;
  }

  /**
   * Spreads every TTL by up to ±{@code fraction} (default 0: no jitter).
   *
   * @throws IllegalArgumentException if not in [0, 1)
   */
  public CascadeCacheSpec ttlJitter(double fraction) {
    if (!(fraction >= 0 && fraction < 1)) {
      throw new IllegalArgumentException("ttlJitter must be in [0, 1), was " + fraction);
    }
    this.ttlJitter = fraction;
    return this;
  }

  /**
   * Caches a method's {@code null} result for {@code nullTtl} (default: not cached, and a {@code
   * null} result is refused, see {@link CascadeCache#put}).
   *
   * @throws IllegalArgumentException if not positive
   */
  public CascadeCacheSpec nullTtl(Duration nullTtl) {
    this.nullTtl = Checks.requirePositive(nullTtl, "nullTtl");
    return this;
  }

  /**
   * Stores values in the remote tier as JSON of {@code type} ({@link JsonCodec#of(Class)}; needs
   * Jackson 3 on the class path). A layered cache needs a value type or a {@link #valueCodec}.
   */
  public CascadeCacheSpec valueType(Class<?> type) {
    this.valueCodec = JsonCodec.of(Objects.requireNonNull(type, "type"));
    return this;
  }

  /** Sets the codec of values in the remote tier (for generic types, strings, bytes). */
  public CascadeCacheSpec valueCodec(Codec<?> valueCodec) {
    this.valueCodec = Objects.requireNonNull(valueCodec, "valueCodec");
    return this;
  }

  /**
   * Sets the tags every entry of the cache is written with (default none), in addition to those a
   * key carries ({@link CascadeKeys#tagged}); a cached absence (see {@link #nullTtl}) is written with
   * them too.
   *
   * @throws IllegalArgumentException if a tag is empty
   */
  public CascadeCacheSpec tags(String... tags) {
    Set<String> set = new LinkedHashSet<>();
    for (String tag : tags) {
      if (Objects.requireNonNull(tag, "tag").isEmpty()) {
        throw new IllegalArgumentException("a tag must not be empty");
      }
      set.add(tag);
    }
    this.tags = Set.copyOf(set);
    return this;
  }

  long maximumSize() {
    return maximumSize;
  }

  @Nullable Duration localTtl() {
    return localTtl;
  }

  boolean layered() {
    return layered;
  }

  @Nullable Duration ttl() {
    return ttl;
  }

  double ttlJitter() {
    return ttlJitter;
  }

  @Nullable Duration nullTtl() {
    return nullTtl;
  }

  @Nullable Codec<?> valueCodec() {
    return valueCodec;
  }

  Set<String> tags() {
    return tags;
  }

  @Override
  public String toString() {
    return "CascadeCacheSpec[maximumSize=" + maximumSize + ", localTtl=" + localTtl + ", layered=" + layered
        + ", ttl=" + ttl + ", ttlJitter=" + ttlJitter + ", nullTtl=" + nullTtl + ", tags=" + tags + "]";
  }
}
