package dev.cascade.cache.internal;

import java.util.HashMap;
import java.util.Map;
import java.util.WeakHashMap;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The namespaces (key prefixes that a cache's {@code invalidateAll()} deletes) of the live caches of
 * this JVM, per failure domain (one backend or store): a cache is refused when its namespace
 * starts, or is the start of, another cache's namespace on the same store, since then one of them
 * would delete the other's keys. Equal namespaces are allowed: they are one cache, built more than
 * once (as several instances of a service are). A namespace is released when its cache closes;
 * stores that are no longer referenced drop out by themselves (weak keys).
 *
 * <p>Thread-safe: one lock around the map, taken only when a cache is built or closed.
 */
final class Namespaces {
  private static final ReentrantLock LOCK = new ReentrantLock();
  private static final Map<Object, Map<String, Integer>> CLAIMED = new WeakHashMap<>();

  private Namespaces() {}

  /**
   * Claims {@code namespace} on {@code domain} for the cache {@code cacheName}; returns what releases
   * it.
   *
   * @throws IllegalStateException if it overlaps another live cache's namespace on {@code domain}
   */
  static Runnable claim(Object domain, String namespace, String cacheName) {
    LOCK.lock();
    try {
      Map<String, Integer> claimed = CLAIMED.computeIfAbsent(domain, d -> new HashMap<>());
      for (String other : claimed.keySet()) {
        if (!other.equals(namespace) && (other.startsWith(namespace) || namespace.startsWith(other))) {
          throw new IllegalStateException(
              "cache '" + cacheName + "': its keys (" + namespace + "...) and those of another cache on the same store ("
                  + other + "...) overlap, so invalidateAll() of one would delete keys of the other: choose a key template that"
                  + " neither starts nor is the start of the other");
        }
      }
      claimed.merge(namespace, 1, Integer::sum);
    } finally {
      LOCK.unlock();
    }
    return () -> release(domain, namespace);
  }

  private static void release(Object domain, String namespace) {
    LOCK.lock();
    try {
      Map<String, Integer> claimed = CLAIMED.get(domain);
      if (claimed != null) {
        claimed.computeIfPresent(namespace, (ns, count) -> count == 1 ? null : count - 1);
      }
    } finally {
      LOCK.unlock();
    }
  }
}
