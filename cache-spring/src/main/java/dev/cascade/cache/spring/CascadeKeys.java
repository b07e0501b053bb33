package dev.cascade.cache.spring;

import java.util.LinkedHashSet;
import java.util.Objects;
import java.util.Set;

/**
 * Keys that carry tags through Spring's annotations, for use in their SpEL {@code key}
 * expressions: {@link #tagged} writes an entry with tags, {@link #tag} names a tag to evict.
 *
 * <pre>{@code
 * @Cacheable(cacheNames = "products",
 *     key = "T(dev.cascade.cache.spring.CascadeKeys).tagged(#id, 'category:' + #categoryId)")
 * Product product(long id, long categoryId) { ... }
 *
 * @CacheEvict(cacheNames = "products",
 *     key = "T(dev.cascade.cache.spring.CascadeKeys).tag('category:' + #categoryId)")
 * void recategorize(long categoryId) { ... }
 * }</pre>
 *
 * <p>A {@link CascadeCache} looks up, stores and evicts a {@link Tagged} key under its {@linkplain
 * Tagged#key() key} alone, and stores it with its tags; evicting a {@link Tag} invalidates every
 * entry of the cache written with that tag, in every tier and instance. Stateless and thread-safe.
 */
public final class CascadeKeys {
  private CascadeKeys() {}

  /**
   * Returns {@code key} carrying {@code tags}: stored under {@code key}, with those tags.
   *
   * @throws IllegalArgumentException if a tag is empty
   */
  public static Tagged tagged(Object key, String... tags) {
    return new Tagged(key, tagSet(tags));
  }

  /**
   * Returns a key whose eviction ({@code @CacheEvict}, {@link CascadeCache#evict}) invalidates
   * every entry written with {@code tag}.
   *
   * @throws IllegalArgumentException if the tag is empty
   */
  public static Tag tag(String tag) {
    return new Tag(tag);
  }

  private static Set<String> tagSet(String... tags) {
    Set<String> set = new LinkedHashSet<>();
    for (String tag : tags) {
      set.add(checkTag(tag));
    }
    return Set.copyOf(set);
  }

  private static String checkTag(String tag) {
    Objects.requireNonNull(tag, "tag");
    if (tag.isEmpty()) {
      throw new IllegalArgumentException("a tag must not be empty");
    }
    return tag;
  }

  /**
   * A cache key with the tags its entry is written with.
   *
   * @param key the key the entry is stored under
   * @param tags the entry's tags
   */
  public record Tagged(Object key, Set<String> tags) {
    /** Checks the components and copies the tags. */
    public Tagged {
      Objects.requireNonNull(key, "key");
      if (key instanceof Tagged || key instanceof Tag) {
        throw new IllegalArgumentException("a tagged key cannot wrap " + key);
      }
      tags = Set.copyOf(tags);
      tags.forEach(CascadeKeys::checkTag);
    }
  }

  /**
   * A tag to evict: evicting it invalidates every entry written with it.
   *
   * @param name the tag
   */
  public record Tag(String name) {
    /** Checks the tag. */
    public Tag {
      checkTag(name);
    }
  }
}
