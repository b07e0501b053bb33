package dev.cascade.cache.memcached.internal;

import dev.cascade.cache.CacheException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import org.jspecify.annotations.Nullable;

/**
 * The namespace versions that make {@code deleteByPrefix} one write per server.
 *
 * <p>A key of the form {@code <a>:<b>:<rest>} belongs to the namespace {@code <a>:<b>:} (core's
 * {@code <prefix>:<cache>:}). Each server keeps, under a key no user key can have ({@code 0xFE} +
 * SHA-256 of the namespace), a random 32-bit version of each namespace, and every value written in
 * a namespace carries the server's current version in its client flags. A value is served only if
 * its flags equal that version, read in the same pipeline from the same server, so a version lost
 * to eviction invalidates, never resurrects. Keys outside any namespace carry flags {@link #PLAIN};
 * versions are never 0 or 1, and 0 is what the server gives a lease placeholder (an {@code mg ... N}
 * vivified item), which is thus never served as a value.
 *
 * <p>The last version seen of each namespace is cached per server ({@link
 * ServerNode#namespaceVersions()}) for optimistic writes: writing with an old version is harmless
 * (the value is simply invisible) and the writer repairs it, since it reads the current version in
 * the same pipeline. Stateless itself; thread-safe; never blocks.
 */
final class NamespaceVersions {
  /** The client flags of a value outside any namespace. */
  static final long PLAIN = 1;

  private static final int VERSION_CACHE_LIMIT = 10_000;
  private static final ConcurrentHashMap<String, Commands.Key> NAMESPACE_KEYS = new ConcurrentHashMap<>();

  private NamespaceVersions() {}

  /** Returns the namespace of {@code key} ({@code <a>:<b>:}), or {@code null} if it has none. */
  static @Nullable String namespaceOf(String key) {
    return namespaceOf(key, null);
  }

  /**
   * Like {@link #namespaceOf(String)}; returns {@code hint} itself if it is the namespace. {@code
   * hint} is null or a namespace this method returned: it holds two colons, the second its last
   * character, so a key that starts with it has it as its namespace, and no scan is needed.
   */
  static @Nullable String namespaceOf(String key, @Nullable String hint) {
    if (hint != null && key.startsWith(hint)) {
      return hint;
    }
    int first = key.indexOf(':');
    if (first < 0) {
      return null;
    }
    int second = key.indexOf(':', first + 1);
    if (second < 0) {
      return null;
    }
    return key.substring(0, second + 1);
  }

  /**
   * Returns the wire key of a namespace's version on each server: {@code 0xFE} + the namespace's
   * SHA-256, which no UTF-8 key can be. Computed once per namespace (it hashes).
   */
  static Commands.Key namespaceKey(String namespace) {
    Commands.Key known = NAMESPACE_KEYS.get(namespace);
    if (known != null) {
      return known;
    }
    Commands.Key key = Commands.keyOf(Commands.marked((byte) 0xFE, Commands.sha256(Commands.utf8(namespace))));
    if (NAMESPACE_KEYS.size() > VERSION_CACHE_LIMIT) {
      NAMESPACE_KEYS.clear();
    }
    NAMESPACE_KEYS.put(namespace, key);
    return key;
  }

  /** Reads the namespace's version on {@code node}, sharing a read queued but not yet sent. */
  static CompletableFuture<MetaResponse> read(ServerNode node, String namespace) {
    ServerNode.Pipeline pipeline = node.pipeline();
    CompletableFuture<MetaResponse> version = read(pipeline, namespace);
    pipeline.send();
    return version;
  }

  /** Like {@link #read(ServerNode, String)}, added to {@code pipeline} (last, and sent first: see {@link ServerNode.Pipeline#shared}). */
  static CompletableFuture<MetaResponse> read(ServerNode.Pipeline pipeline, String namespace) {
    return pipeline.shared(namespace, () -> Commands.mg(namespaceKey(namespace), "v"));
  }

  /** Like {@link #remember(ServerNode, String, MetaResponse)} for the namespace of {@code t}. */
  static long remember(Target t, MetaResponse reply) {
    return remember(t.node(), Objects.requireNonNull(t.namespace()), reply);
  }

  /** Parses a version reply and caches it; returns 0 when the server has no version. */
  static long remember(ServerNode node, String namespace, MetaResponse reply) {
    Replies.check(reply);
    byte[] text = reply.is("VA") ? reply.value() : null;
    long version = text == null ? 0 : parseVersion(text);
    Map<String, Long> versions = node.namespaceVersions();
    if (version > PLAIN) {
      Long known = versions.get(namespace);
      if (known == null || known != version) {
        if (versions.size() > VERSION_CACHE_LIMIT) {
          versions.clear();
        }
        versions.put(namespace, version);
      }
    } else {
      versions.remove(namespace);
    }
    return version > PLAIN ? version : 0;
  }

  /**
   * Returns the decimal number {@code text} holds (what this store writes: digits only), or 0 for
   * anything else, such as foreign bytes under the version key.
   */
  static long parseVersion(byte[] text) {
    return Math.max(0, Commands.parseDecimal(text, 0, text.length));
  }

  /**
   * Returns the client flags a value of {@code t} is written with now: {@link #PLAIN} outside any
   * namespace, else the namespace's current version on the key's server, read (or created) there.
   */
  static CompletableFuture<Long> current(Target t) {
    return t.namespace() == null ? CompletableFuture.completedFuture(PLAIN) : versionOf(t.node(), t.namespace(), 0);
  }

  /** Returns the current version of the namespace on {@code node}, creating one if it has none. */
  static CompletableFuture<Long> versionOf(ServerNode node, String namespace, int attempt) {
    Commands.Key nsKey = namespaceKey(namespace);
    return node.submit(Commands.mg(nsKey, "v"))
        .thenCompose(
            reply -> {
              long version = remember(node, namespace, reply);
              if (version != 0) {
                return CompletableFuture.completedFuture(version);
              }
              long fresh = fresh();
              byte[] bytes = Long.toString(fresh).getBytes(StandardCharsets.US_ASCII);
              // Add mode when absent; over foreign bytes, replace them.
              String mode = reply.is("VA") ? "MS" : "ME";
              return node.submit(Commands.ms(nsKey, bytes, mode))
                  .thenCompose(
                      stored -> {
                        Replies.check(stored);
                        if (stored.is("HD")) {
                          node.namespaceVersions().put(namespace, fresh);
                          return CompletableFuture.completedFuture(fresh);
                        }
                        if (attempt >= 3) {
                          return CompletableFuture.failedFuture(
                              new CacheException("memcached " + node.name() + ": cannot settle the version of " + namespace));
                        }
                        return versionOf(node, namespace, attempt + 1);
                      });
            });
  }

  /**
   * Gives the namespace {@code prefix} a fresh version on every server of {@code nodes}: the values
   * of its older versions are never served again. Fails with {@link IllegalArgumentException} if
   * {@code prefix} is not a namespace ({@code <a>:<b>:}).
   */
  static CompletableFuture<Void> renew(List<ServerNode> nodes, String prefix) {
    Objects.requireNonNull(prefix, "prefix");
    if (!prefix.equals(namespaceOf(prefix + "x")) || prefix.chars().filter(c -> c == ':').count() != 2) {
      return CompletableFuture.failedFuture(
          new IllegalArgumentException(
              "memcached deletes by namespace only: the prefix must have the form <a>:<b>: (a cache's"
                  + " namespace), was \""
                  + prefix
                  + "\""));
    }
    Commands.Key nsKey = namespaceKey(prefix);
    List<CompletableFuture<Void>> all = new ArrayList<>();
    for (ServerNode node : nodes) {
      long fresh = fresh();
      all.add(
          node.submit(Commands.ms(nsKey, Long.toString(fresh).getBytes(StandardCharsets.US_ASCII), ""))
              .thenApply(
                  reply -> {
                    Replies.stored(reply);
                    node.namespaceVersions().put(prefix, fresh);
                    return null;
                  }));
    }
    return CompletableFuture.allOf(all.toArray(CompletableFuture[]::new));
  }

  private static long fresh() {
    return ThreadLocalRandom.current().nextLong(PLAIN + 1, 1L << 32);
  }
}
