package dev.cascade.cache.memcached.internal;

import dev.cascade.cache.CacheException;
import dev.cascade.cache.memcached.MemcachedConfig;
import dev.cascade.cache.spi.Lease;
import dev.cascade.cache.spi.RemoteStore;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import org.jspecify.annotations.Nullable;

/**
 * The store logic over the meta-protocol client: TTL rules, namespace versions, put-if-absent and
 * leases.
 *
 * <p>Namespaces: a key of the form {@code <a>:<b>:<rest>} belongs to the namespace {@code <a>:<b>:}
 * (core's {@code <prefix>:<cache>:}). Each server keeps, under a key no user key can have ({@code
 * 0xFE} + SHA-256 of the namespace), a random 32-bit version of each namespace, and every value
 * written in a namespace carries the server's current version in its client flags. A value is
 * served only if its flags equal that version, read in the same pipeline from the same server, so
 * {@code deleteByPrefix} is one write per server, and a version lost to eviction invalidates, never
 * resurrects. Keys outside any namespace carry flags {@code 1}; versions are never 0 or 1, and 0 is
 * what the server gives a lease placeholder (an {@code mg ... N} vivified item), which is thus never
 * served as a value.
 *
 * <p>Writes may use a cached version optimistically: writing with an old version is harmless (the
 * value is simply invisible) and is repaired in the same call, since the current version is read in
 * the same pipeline. Thread-safe; never blocks; fails only through futures.
 */
public final class MemcachedStore implements AutoCloseable {
  static final long PLAIN = 1;
  private static final int MAX_RELATIVE_TTL_SECONDS = 60 * 60 * 24 * 30;
  private static final int VERSION_CACHE_LIMIT = 10_000;
  private static final int CLASSIC_GET_KEYS = 100;

  private final MemcachedClient client;
  private final Clock clock;
  private final int maxValueBytes;

  public MemcachedStore(MemcachedClient client, MemcachedConfig config) {
    this.client = client;
    this.clock = config.clock();
    // Room for the item header, the key and the CAS value inside the server's item size limit.
    this.maxValueBytes = config.itemSizeMax() - 1024;
  }

  /** Returns the largest value this store sends. */
  public int maxValueBytes() {
    return maxValueBytes;
  }

  /** Returns the client. */
  public MemcachedClient client() {
    return client;
  }

  // ---- keys ------------------------------------------------------------------------------------

  /**
   * The namespace of the last key looked at, offered to the next as the string to reuse if its key
   * is in the same namespace (saves a substring per key, and lets the keys of one call share one
   * namespace object). Only a hint: any value is correct.
   */
  private volatile @Nullable String namespaceHint;

  /** Where a key lives and in which namespace. */
  record Target(String userKey, ServerNode node, byte[] wire, @Nullable String namespace) {
    /** Returns the key's wire form; computed on each call, since a classic multi-get never needs it. */
    Commands.Key key() {
      return Commands.keyOf(wire);
    }
  }

  Target target(String key) {
    Objects.requireNonNull(key, "key");
    byte[] wire = Commands.wireKey(key);
    String hint = namespaceHint;
    String namespace = namespaceOf(key, hint);
    if (namespace != null && namespace != hint) {
      namespaceHint = namespace;
    }
    return new Target(key, client.nodeFor(wire), wire, namespace);
  }

  /** Returns an empty {@link HashMap} that holds {@code size} entries without resizing. */
  private static <K, V> HashMap<K, V> hashMapFor(int size) {
    return new HashMap<>((int) (size / 0.75f) + 1);
  }

  /** Returns the namespace of {@code key} ({@code <a>:<b>:}), or {@code null} if it has none. */
  static @Nullable String namespaceOf(String key) {
    return namespaceOf(key, null);
  }

  /** Like {@link #namespaceOf(String)}; returns {@code hint} itself if it is the namespace. */
  private static @Nullable String namespaceOf(String key, @Nullable String hint) {
    int first = key.indexOf(':');
    if (first < 0) {
      return null;
    }
    int second = key.indexOf(':', first + 1);
    if (second < 0) {
      return null;
    }
    if (hint != null && hint.length() == second + 1 && key.startsWith(hint)) {
      return hint;
    }
    return key.substring(0, second + 1);
  }

  private static final ConcurrentHashMap<String, Commands.Key> NAMESPACE_KEYS = new ConcurrentHashMap<>();

  /**
   * Returns the wire key of a namespace's version on each server: {@code 0xFE} + the namespace's
   * SHA-256, which no UTF-8 key can be. Computed once per namespace (it hashes).
   */
  static Commands.Key namespaceKey(String namespace) {
    Commands.Key known = NAMESPACE_KEYS.get(namespace);
    if (known != null) {
      return known;
    }
    Commands.Key key = Commands.keyOf(Commands.marked((byte) 0xFE, Commands.sha256(namespace.getBytes(StandardCharsets.UTF_8))));
    if (NAMESPACE_KEYS.size() > VERSION_CACHE_LIMIT) {
      NAMESPACE_KEYS.clear();
    }
    NAMESPACE_KEYS.put(namespace, key);
    return key;
  }


  /** Returns {@code host:port} of the server that owns {@code key}. */
  public String serverFor(String key) {
    return target(key).node().name();
  }

  // ---- TTL ---------------------------------------------------------------------------------

  /**
   * Returns the expiry memcached is sent for {@code ttl}: 0 (none) for {@code null}; else whole
   * seconds rounded up, at least 1; over 30 days, the absolute Unix time (rounded up) instead, since
   * memcached reads any larger number as one.
   */
  static long expiry(@Nullable Duration ttl, Clock clock) {
    if (ttl == null) {
      return 0;
    }
    if (ttl.isNegative() || ttl.isZero()) {
      throw new IllegalArgumentException("ttl must be positive or null, was " + ttl);
    }
    long millis = ttl.toMillis() + (ttl.toNanos() % 1_000_000 == 0 ? 0 : 1);
    long seconds = Math.max(1, (millis + 999) / 1000);
    if (seconds <= MAX_RELATIVE_TTL_SECONDS) {
      return seconds;
    }
    return (clock.millis() + millis + 999) / 1000;
  }

  private String ttlFlag(@Nullable Duration ttl) {
    long expiry = expiry(ttl, clock);
    return expiry == 0 ? "" : " T" + expiry;
  }

  // ---- reads -------------------------------------------------------------------------------

  public CompletableFuture<byte @Nullable []> get(String key) {
    Target t = target(key);
    if (!t.node().isUp()) {
      // Known to be down: its keys are misses (the server's own circuit), so that one dead server
      // of a pool does not fail every read of the tier. Writes to it still fail.
      return CompletableFuture.completedFuture(null);
    }
    CompletableFuture<MetaResponse> value;
    if (t.namespace() == null) {
      return t.node().submit(Commands.mg(t.key(), "v f")).thenApply(r -> valueIf(r, PLAIN));
    }
    CompletableFuture<MetaResponse> version = readVersion(t.node(), t.namespace());
    value = t.node().submit(Commands.mg(t.key(), "v f"));
    return version.thenCombine(value, (v, r) -> valueIf(r, remember(t, v)));
  }

  public CompletableFuture<Map<String, byte[]>> getAll(Collection<String> keys) {
    // Each server's targets in the order given, without duplicates.
    Map<ServerNode, List<Target>> byNode = new LinkedHashMap<>();
    Set<String> seen = new HashSet<>((int) (keys.size() / 0.75f) + 1);
    for (String key : keys) {
      if (seen.add(key)) {
        Target t = target(key);
        byNode.computeIfAbsent(t.node(), n -> new ArrayList<>(keys.size())).add(t);
      }
    }
    List<CompletableFuture<Map<String, byte[]>>> perNode = new ArrayList<>();
    byNode.forEach(
        (node, nodeTargets) -> {
          if (node.isUp()) { // the keys of a server known to be down are misses, as in get
            perNode.add(getAllOn(node, nodeTargets));
          }
        });
    CompletableFuture<Map<String, byte[]>> result = new CompletableFuture<>();
    CompletableFuture.allOf(perNode.toArray(CompletableFuture[]::new))
        .whenComplete(
            (done, error) -> {
              // Each server's map is a fresh HashMap of this call: the first one collects the rest.
              Map<String, byte[]> found = null;
              Throwable firstError = null;
              int failed = 0;
              for (CompletableFuture<Map<String, byte[]>> f : perNode) {
                if (f.isCompletedExceptionally()) {
                  failed++;
                  firstError = firstError != null ? firstError : causeOf(f);
                } else if (found == null) {
                  found = f.join();
                } else {
                  found.putAll(f.join());
                }
              }
              // A down server's keys are misses; only when no server answered is it an error.
              if (failed > 0 && failed == perNode.size()) {
                result.completeExceptionally(firstError);
              } else {
                result.complete(found == null ? new HashMap<>() : found);
              }
            });
    return result;
  }

  private CompletableFuture<Map<String, byte[]>> getAllOn(ServerNode node, List<Target> targets) {
    Map<String, CompletableFuture<MetaResponse>> namespaceVersions = new HashMap<>();
    String last = null;
    for (Target t : targets) {
      String namespace = t.namespace();
      if (namespace != null && !namespace.equals(last) && !namespaceVersions.containsKey(namespace)) {
        namespaceVersions.put(namespace, readVersion(node, namespace));
      }
      last = namespace;
    }
    if (allPlain(targets)) {
      return getAllClassic(node, targets, namespaceVersions);
    }
    List<byte[]> commands = new ArrayList<>(targets.size());
    for (Target t : targets) {
      commands.add(Commands.mg(t.key(), "v f"));
    }
    CompletableFuture<List<@Nullable MetaResponse>> replies =
        node.submitBatch(commands).thenApply(Arrays::asList);
    return keepCurrent(node, targets, namespaceVersions, replies);
  }

  /**
   * Whether every key can go out as it is in a classic {@code get}: its wire form is plain (see
   * {@link Commands#isPlain}), so it is the user's key itself. Such a key names the same item as its
   * base64 form with the meta {@code b} flag, and one {@code get} of many keys costs the server far
   * less than as many {@code mg}.
   */
  private static boolean allPlain(List<Target> targets) {
    if (targets.size() < 2) {
      return false;
    }
    for (Target t : targets) {
      if (!Commands.isPlain(t.wire())) {
        return false;
      }
    }
    return true;
  }



  private CompletableFuture<Map<String, byte[]>> getAllClassic(
      ServerNode node,
      List<Target> targets,
      Map<String, CompletableFuture<MetaResponse>> namespaceVersions) {
    List<String> keys = new ArrayList<>(targets.size()); // plain: each is its own wire key
    for (Target t : targets) {
      keys.add(t.userKey());
    }
    List<CompletableFuture<MetaResponse[]>> chunks = new ArrayList<>();
    for (int from = 0; from < keys.size(); from += CLASSIC_GET_KEYS) {
      chunks.add(node.submitClassicGet(keys.subList(from, Math.min(keys.size(), from + CLASSIC_GET_KEYS))));
    }
    CompletableFuture<List<@Nullable MetaResponse>> replies =
        CompletableFuture.allOf(chunks.toArray(CompletableFuture[]::new))
            .thenApply(
                done -> {
                  List<@Nullable MetaResponse> inOrder = new ArrayList<>(keys.size());
                  chunks.forEach(chunk -> inOrder.addAll(Arrays.asList(chunk.join())));
                  return inOrder;
                });
    return keepCurrent(node, targets, namespaceVersions, replies);
  }

  /**
   * Waits for the replies (one per target, in order; {@code null} for a key a classic get did not
   * return) and the namespace versions read with them, and keeps the values written under the
   * current version of their namespace.
   */
  private CompletableFuture<Map<String, byte[]>> keepCurrent(
      ServerNode node,
      List<Target> targets,
      Map<String, CompletableFuture<MetaResponse>> namespaceVersions,
      CompletableFuture<List<@Nullable MetaResponse>> replies) {
    List<CompletableFuture<?>> all = new ArrayList<>(namespaceVersions.values());
    all.add(replies);
    return CompletableFuture.allOf(all.toArray(CompletableFuture[]::new))
        .thenApply(
            done -> {
              Map<String, Long> current = new HashMap<>();
              namespaceVersions.forEach(
                  (namespace, reply) -> current.put(namespace, remember(node, namespace, reply.join())));
              Map<String, byte[]> found = hashMapFor(targets.size());
              List<@Nullable MetaResponse> inOrder = replies.join();
              String lastNamespace = null;
              long lastVersion = PLAIN;
              for (int i = 0; i < targets.size(); i++) {
                MetaResponse reply = inOrder.get(i);
                if (reply == null) {
                  continue;
                }
                Target t = targets.get(i);
                String namespace = t.namespace();
                if (namespace != lastNamespace) { // keys of one call mostly share one namespace object
                  lastNamespace = namespace;
                  lastVersion = namespace == null ? PLAIN : current.get(namespace);
                }
                byte[] value = valueIf(reply, lastVersion);
                if (value != null) {
                  found.put(t.userKey(), value);
                }
              }
              return found;
            });
  }

  private static byte @Nullable [] valueIf(MetaResponse reply, long expectedFlags) {
    check(reply);
    if (!reply.is("VA") || expectedFlags == 0 || reply.longFlag('f', 0) != expectedFlags) {
      return null;
    }
    return reply.value();
  }

  // ---- namespace versions ------------------------------------------------------------------

  private long remember(Target t, MetaResponse reply) {
    return remember(t.node(), Objects.requireNonNull(t.namespace()), reply);
  }

  /** Reads the namespace's version on {@code node}, sharing a read queued but not yet sent. */
  private static CompletableFuture<MetaResponse> readVersion(ServerNode node, String namespace) {
    return node.submitShared(namespace, () -> Commands.mg(namespaceKey(namespace), "v"));
  }

  /** Parses a version reply and caches it; returns 0 when the server has no version. */
  /**
   * Returns the decimal number {@code text} holds (what this store writes: digits only), or 0 for
   * anything else, such as foreign bytes under the version key.
   */
  static long parseVersion(byte[] text) {
    return Math.max(0, Commands.parseDecimal(text, 0, text.length));
  }

  private long remember(ServerNode node, String namespace, MetaResponse reply) {
    check(reply);
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

  /** Returns the current version of the namespace on {@code node}, creating one if it has none. */
  private CompletableFuture<Long> versionOf(ServerNode node, String namespace, int attempt) {
    Commands.Key nsKey = namespaceKey(namespace);
    return node.submit(Commands.mg(nsKey, "v"))
        .thenCompose(
            reply -> {
              long version = remember(node, namespace, reply);
              if (version != 0) {
                return CompletableFuture.completedFuture(version);
              }
              long fresh = freshVersion();
              byte[] bytes = Long.toString(fresh).getBytes(StandardCharsets.US_ASCII);
              // Add mode when absent; over foreign bytes, replace them.
              String mode = reply.is("VA") ? "MS" : "ME";
              return node.submit(Commands.ms(nsKey, bytes, mode))
                  .thenCompose(
                      stored -> {
                        check(stored);
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

  private CompletableFuture<Long> flagsFor(Target t) {
    return t.namespace() == null ? CompletableFuture.completedFuture(PLAIN) : versionOf(t.node(), t.namespace(), 0);
  }

  private static long freshVersion() {
    return ThreadLocalRandom.current().nextLong(PLAIN + 1, 1L << 32);
  }

  // ---- writes ------------------------------------------------------------------------------

  private void checkSize(String key, byte[] value) {
    if (value.length > maxValueBytes) {
      throw new IllegalArgumentException(
          "value of "
              + value.length
              + " bytes for key "
              + key
              + " exceeds memcached's item size limit: at most "
              + maxValueBytes
              + " bytes fit in an item of itemSizeMax "
              + (maxValueBytes + 1024)
              + " (raise memcached's -I and MemcachedConfig.itemSizeMax together)");
    }
  }

  public CompletableFuture<Void> put(String key, byte[] value, @Nullable Duration ttl) {
    try {
      checkSize(key, value);
      Target t = target(key);
      String ttlFlag = ttlFlag(ttl);
      if (t.namespace() == null) {
        return t.node().submit(Commands.ms(t.key(), value, "F" + PLAIN + ttlFlag)).thenApply(MemcachedStore::stored);
      }
      Long cached = t.node().namespaceVersions().get(t.namespace());
      if (cached == null) {
        return versionOf(t.node(), t.namespace(), 0)
            .thenCompose(v -> t.node().submit(Commands.ms(t.key(), value, "F" + v + ttlFlag)))
            .thenApply(MemcachedStore::stored);
      }
      CompletableFuture<MetaResponse> version = readVersion(t.node(), t.namespace());
      CompletableFuture<MetaResponse> write = t.node().submit(Commands.ms(t.key(), value, "F" + cached + ttlFlag));
      return version
          .thenCombine(write, (v, w) -> {
            stored(w);
            return remember(t, v);
          })
          .thenCompose(
              current -> {
                if (current == cached) {
                  return CompletableFuture.completedFuture((Void) null);
                }
                // The namespace moved on (or its version was evicted): write again with the new one.
                return flagsFor(t)
                    .thenCompose(v -> t.node().submit(Commands.ms(t.key(), value, "F" + v + ttlFlag)))
                    .thenApply(MemcachedStore::stored);
              });
    } catch (RuntimeException e) {
      return CompletableFuture.failedFuture(e);
    }
  }

  public CompletableFuture<Void> putAll(Map<String, RemoteStore.Write> writes) {
    List<CompletableFuture<Void>> all = new ArrayList<>(writes.size());
    writes.forEach((key, write) -> all.add(put(key, write.value(), write.ttl())));
    return CompletableFuture.allOf(all.toArray(CompletableFuture[]::new));
  }

  public CompletableFuture<Boolean> putIfAbsent(String key, byte[] value, @Nullable Duration ttl) {
    try {
      checkSize(key, value);
      Target t = target(key);
      return putIfAbsent(t, value, ttlFlag(ttl), 0);
    } catch (RuntimeException e) {
      return CompletableFuture.failedFuture(e);
    }
  }

  private CompletableFuture<Boolean> putIfAbsent(Target t, byte[] value, String ttlFlag, int attempt) {
    return flagsFor(t)
        .thenCompose(
            flags ->
                t.node()
                    .submit(Commands.mg(t.key(), "f c"))
                    .thenCompose(
                        found -> {
                          check(found);
                          String command;
                          if (found.is("EN")) {
                            command = "ME F" + flags + ttlFlag;
                          } else if (found.longFlag('f', 0) == flags) {
                            return CompletableFuture.completedFuture(false);
                          } else {
                            // A value of an invalidated namespace generation, or a lease placeholder:
                            // absent as far as readers go, so replace exactly that item.
                            command = "C" + found.longFlag('c', 0) + " F" + flags + ttlFlag;
                          }
                          return t.node()
                              .submit(Commands.ms(t.key(), value, command))
                              .thenCompose(
                                  stored -> {
                                    check(stored);
                                    if (stored.is("HD")) {
                                      return CompletableFuture.completedFuture(true);
                                    }
                                    return attempt >= 3
                                        ? CompletableFuture.completedFuture(false)
                                        : putIfAbsent(t, value, ttlFlag, attempt + 1);
                                  });
                        }));
  }

  public CompletableFuture<Void> delete(String key) {
    try {
      Target t = target(key);
      return t.node().submit(Commands.md(t.key(), "")).thenApply(MemcachedStore::deleted);
    } catch (RuntimeException e) {
      return CompletableFuture.failedFuture(e);
    }
  }

  public CompletableFuture<Void> deleteAll(Collection<String> keys) {
    List<CompletableFuture<Void>> all = new ArrayList<>(keys.size());
    keys.forEach(key -> all.add(delete(key)));
    return CompletableFuture.allOf(all.toArray(CompletableFuture[]::new));
  }

  /** Gives the namespace {@code prefix} a fresh version on every server. */
  public CompletableFuture<Void> deleteByPrefix(String prefix) {
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
    for (ServerNode node : client.nodes()) {
      long fresh = freshVersion();
      all.add(
          node.submit(Commands.ms(nsKey, Long.toString(fresh).getBytes(StandardCharsets.US_ASCII), ""))
              .thenApply(
                  reply -> {
                    stored(reply);
                    node.namespaceVersions().put(prefix, fresh);
                    return null;
                  }));
    }
    return CompletableFuture.allOf(all.toArray(CompletableFuture[]::new));
  }

  // ---- leases ------------------------------------------------------------------------------

  /**
   * Takes the server's lease on {@code key}: {@code mg <key> N<secs>} vivifies a missing item and
   * gives the win flag (W) to exactly one caller; the others see Z. An item that is present but
   * invalid (an old namespace generation) is replaced by a placeholder with CAS, which only one
   * caller can do. The lease's token is the placeholder's CAS value.
   */
  public CompletableFuture<@Nullable Lease> tryLease(String key, Duration leaseTime) {
    try {
      Target t = target(key);
      long seconds = Math.max(1, (leaseTime.toMillis() + 999) / 1000);
      long expiresAt = clock.millis() + leaseTime.toMillis();
      return flagsFor(t)
          .thenCompose(
              flags ->
                  t.node()
                      .submit(Commands.mg(t.key(), "N" + seconds + " c f s"))
                      .thenCompose(
                          reply -> {
                            check(reply);
                            if (reply.hasFlag('W')) {
                              return CompletableFuture.completedFuture(
                                  (@Nullable Lease) new Lease(key, Long.toString(reply.longFlag('c', 0)), expiresAt));
                            }
                            long itemFlags = reply.longFlag('f', 0);
                            if (reply.hasFlag('Z') || itemFlags == flags || itemFlags == 0) {
                              return CompletableFuture.completedFuture((@Nullable Lease) null);
                            }
                            String placeholder = "C" + reply.longFlag('c', 0) + " F0 T" + seconds + " c";
                            return t.node()
                                .submit(Commands.ms(t.key(), new byte[0], placeholder))
                                .thenApply(
                                    stored -> {
                                      check(stored);
                                      return stored.is("HD")
                                          ? new Lease(key, Long.toString(stored.longFlag('c', 0)), expiresAt)
                                          : null;
                                    });
                          }));
    } catch (RuntimeException e) {
      return CompletableFuture.failedFuture(e);
    }
  }

  /** Writes under the lease with CAS: fails if the placeholder was deleted, replaced or lapsed. */
  public CompletableFuture<Boolean> publish(Lease lease, byte[] value, @Nullable Duration ttl) {
    try {
      checkSize(lease.key(), value);
      Target t = target(lease.key());
      String ttlFlag = ttlFlag(ttl);
      return flagsFor(t)
          .thenCompose(flags -> t.node().submit(Commands.ms(t.key(), value, "C" + lease.token() + " F" + flags + ttlFlag)))
          .thenApply(
              reply -> {
                check(reply);
                return reply.is("HD");
              });
    } catch (RuntimeException e) {
      return CompletableFuture.failedFuture(e);
    }
  }

  /** Deletes the placeholder if it is still the lease's own (same CAS). */
  public CompletableFuture<Void> release(Lease lease) {
    try {
      Target t = target(lease.key());
      return t.node().submit(Commands.md(t.key(), "C" + lease.token())).thenApply(reply -> {
        check(reply);
        return null;
      });
    } catch (RuntimeException e) {
      return CompletableFuture.failedFuture(e);
    }
  }

  // ---- replies -----------------------------------------------------------------------------

  private static void check(MetaResponse reply) {
    if (reply.isError()) {
      throw new CacheException("memcached replied " + reply);
    }
  }

  private static @Nullable Void stored(MetaResponse reply) {
    check(reply);
    if (!reply.is("HD")) {
      throw new CacheException("memcached did not store the value: " + reply);
    }
    return null;
  }

  private static @Nullable Void deleted(MetaResponse reply) {
    check(reply);
    if (!reply.is("HD") && !reply.is("NF")) {
      throw new CacheException("memcached did not delete the key: " + reply);
    }
    return null;
  }

  private static Throwable causeOf(CompletableFuture<?> failed) {
    try {
      failed.join();
      return new IllegalStateException("not failed");
    } catch (java.util.concurrent.CompletionException e) {
      return e.getCause() != null ? e.getCause() : e;
    } catch (java.util.concurrent.CancellationException e) {
      return e;
    }
  }

  @Override
  public void close() {
    client.close();
  }
}
