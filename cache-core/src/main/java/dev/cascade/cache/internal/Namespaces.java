package dev.cascade.cache.internal;

import java.util.HashMap;
import java.util.Map;
import java.util.WeakHashMap;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The key prefixes the live caches of this JVM write under, per failure domain (one backend or
 * store): a cache's namespace (what its {@code invalidateAll()} deletes) and, with tag sets, its tag
 * sets' literal. A namespace is refused when it starts, or is the start of, another prefix claimed
 * on the same store, since then one cache's {@code invalidateAll()} would delete the other's keys or
 * tag sets (a deleted tag set lets its members outlive an invalidation of their tag). Equal
 * namespaces are allowed: they are one cache, built more than once (as several instances of a
 * service are); so are equal tag-set literals, and tag-set literals that overlap each other (no
 * {@code invalidateAll()} deletes tag sets). A claim is released when its cache closes; stores that
 * are no longer referenced drop out by themselves (weak keys).
 *
 * <p>Thread-safe: one lock around the map, taken only when a cache is built or closed.
 */
final class Namespaces {
  /** What a cache writes under a claimed prefix. */
  enum Use {
    KEYS("keys"),
    TAG_SETS("tag sets");

    private final String what;

    Use(String what) {
      this.what = what;
    }
  }

  private record Claim(String prefix, Use use) {}

  private static final ReentrantLock LOCK = new ReentrantLock();
  private static final Map<Object, Map<Claim, Integer>> CLAIMED = new WeakHashMap<>();

  private Namespaces() {}

  /**
   * Claims {@code prefix} on {@code domain} for the {@code use} of cache {@code cacheName}; returns
   * what releases it.
   *
   * @throws IllegalStateException if it overlaps a prefix another live cache claimed on {@code
   *     domain} as described in the class comment
   */
  static Runnable claim(Object domain, String prefix, Use use, String cacheName) {
    Claim claim = new Claim(prefix, use);
    LOCK.lock();
    try {
      Map<Claim, Integer> claimed = CLAIMED.computeIfAbsent(domain, d -> new HashMap<>());
      for (Claim other : claimed.keySet()) {
        if (conflict(claim, other)) {
          throw new IllegalStateException(
              "cache '" + cacheName + "': its " + use.what + " (" + prefix + "...) and the " + other.use.what
                  + " of another cache on the same store (" + other.prefix + "...) overlap, so invalidateAll() of"
                  + " one would delete " + (use == Use.KEYS && other.use == Use.KEYS ? "keys" : "tag sets")
                  + " of the other: choose a key template that neither starts nor is the start of the other");
        }
      }
      claimed.merge(claim, 1, Integer::sum);
    } finally {
      LOCK.unlock();
    }
    return () -> release(domain, claim);
  }

  private static boolean conflict(Claim mine, Claim other) {
    if (mine.use == Use.TAG_SETS && other.use == Use.TAG_SETS || mine.equals(other)) {
      return false;
    }
    return other.prefix.startsWith(mine.prefix) || mine.prefix.startsWith(other.prefix);
  }

  private static void release(Object domain, Claim claim) {
    LOCK.lock();
    try {
      Map<Claim, Integer> claimed = CLAIMED.get(domain);
      if (claimed != null) {
        claimed.computeIfPresent(claim, (c, count) -> count == 1 ? null : count - 1);
      }
    } finally {
      LOCK.unlock();
    }
  }
}
