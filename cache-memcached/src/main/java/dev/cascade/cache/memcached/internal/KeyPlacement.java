package dev.cascade.cache.memcached.internal;

import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * Where keys live: each key's wire form, its server on the ketama ring and its namespace.
 *
 * <p>Keeps the namespace of the last key placed, offered to the next as the string to reuse if its
 * key is in the same namespace (saves a substring per key, and lets the keys of one call share one
 * namespace object). The hint is only a hint: any value, including one written by a racing thread,
 * is correct. Thread-safe; one per store (a backend makes a store per tier), so that a cache with
 * a tier of its own keeps its own hint.
 */
final class KeyPlacement {
  private final MemcachedClient client;
  private volatile @Nullable String namespaceHint;

  KeyPlacement(MemcachedClient client) {
    this.client = client;
  }

  /** Returns where {@code key} lives. */
  Target target(String key) {
    Objects.requireNonNull(key, "key");
    byte[] wire = Commands.wireKey(key);
    String hint = namespaceHint;
    String namespace = NamespaceVersions.namespaceOf(key, hint);
    if (namespace != null && namespace != hint) {
      namespaceHint = namespace;
    }
    return new Target(key, client.nodeFor(wire), wire, namespace);
  }
}
