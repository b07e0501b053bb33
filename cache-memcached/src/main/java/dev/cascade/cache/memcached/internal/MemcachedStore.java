package dev.cascade.cache.memcached.internal;

import dev.cascade.cache.memcached.MemcachedConfig;
import dev.cascade.cache.spi.RemoteStore;
import dev.cascade.cache.spi.ValueReader;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.jspecify.annotations.Nullable;

/**
 * The store logic over the meta-protocol client: single-key reads and writes, put-if-absent, and
 * the parts that own the rest: {@link KeyPlacement} (where a key lives), {@link ItemRules} (TTL and
 * size), {@link NamespaceVersions} (what makes {@code deleteByPrefix} one write per server), {@link
 * MultiGet} (one round trip per server) and {@link LeaseCommands} (the server's leases).
 *
 * <p>Every value is written with client flags that say which namespace version it belongs to, and
 * served only if they match the version read in the same pipeline from the same server (see {@link
 * NamespaceVersions}). Writes use the last version seen optimistically and repair a write made with
 * an old one in the same call. Holds no connection of its own: the client it is given is shared
 * (one per backend) and closed by its owner; once it is, every call fails with {@link
 * IllegalStateException}. Thread-safe; never blocks; fails only through futures.
 */
public final class MemcachedStore {
  private final MemcachedClient client;
  private final KeyPlacement placement;
  private final ItemRules rules;
  private final MultiGet multiGet;
  private final LeaseCommands leases;
  private final RawItems raw;

  public MemcachedStore(MemcachedClient client, MemcachedConfig config) {
    this.client = client;
    this.placement = new KeyPlacement(client);
    this.rules = new ItemRules(config);
    this.multiGet = new MultiGet(placement);
    this.leases = new LeaseCommands(placement, rules);
    this.raw = new RawItems(client, rules);
  }

  /**
   * Returns the same connections laid out for other clients: no namespace versions, text flags (see
   * {@link RawItems}); what a cache with raw values reads and writes through.
   */
  public RawItems raw() {
    return raw;
  }

  /**
   * Returns whether {@code prefix} is a namespace whose version this store keeps ({@code <a>:<b>:},
   * exactly two colons, the last at the end): the only prefixes {@link #deleteByPrefix} takes.
   */
  public static boolean isNamespace(String prefix) {
    return prefix.equals(NamespaceVersions.namespaceOf(prefix + "x")) && prefix.chars().filter(c -> c == ':').count() == 2;
  }

  /** Returns the largest value this store sends. */
  public int maxValueBytes() {
    return rules.maxValueBytes();
  }

  /** Returns the client. */
  public MemcachedClient client() {
    return client;
  }

  /** Returns the lease commands on this store's keys. */
  public LeaseCommands leases() {
    return leases;
  }

  /** Returns {@code host:port} of the server that owns {@code key}. */
  public String serverFor(String key) {
    return placement.target(key).node().name();
  }

  // ---- reads -------------------------------------------------------------------------------

  public CompletableFuture<byte @Nullable []> get(String key) {
    return read(key, "v f");
  }

  /**
   * Reads {@code key} and sets its remaining TTL to {@code ttl} in the same meta get ({@code mg <key>
   * v f T<seconds>}, whole seconds rounded up, as writes are): one command, atomic on the server.
   */
  public CompletableFuture<byte @Nullable []> getAndTouch(String key, Duration ttl) {
    try {
      return read(key, "v f" + rules.ttlFlag(ttl));
    } catch (RuntimeException e) {
      return CompletableFuture.failedFuture(e);
    }
  }

  private CompletableFuture<byte @Nullable []> read(String key, String flags) {
    Target t = placement.target(key);
    if (!t.node().isUp()) {
      // Known to be down: its keys are misses (the server's own circuit), so that one dead server
      // of a pool does not fail every read of the tier. Writes to it still fail, as do all calls
      // once the client is closed.
      return t.node().isClosed() ? CompletableFuture.failedFuture(t.node().closedError()) : CompletableFuture.completedFuture(null);
    }
    if (t.namespace() == null) {
      return t.node().submit(Commands.mg(t.key(), flags)).thenApply(r -> Replies.valueIf(r, NamespaceVersions.PLAIN));
    }
    ServerNode.Pipeline pipeline = t.node().pipeline(); // the namespace's version, then the value: one write
    CompletableFuture<MetaResponse> value = pipeline.command(Commands.mg(t.key(), flags));
    CompletableFuture<MetaResponse> version = NamespaceVersions.read(pipeline, t.namespace());
    pipeline.send();
    return version.thenCombine(value, (v, r) -> Replies.valueIf(r, NamespaceVersions.remember(t, v)));
  }

  public CompletableFuture<Map<String, byte[]>> getAll(Collection<String> keys) {
    return multiGet.getAll(keys, "");
  }

  /** {@link #getAll} answered by position ({@code RemoteStore.getAllInOrder}); {@code keys} holds no duplicates. */
  public CompletableFuture<List<byte @Nullable []>> getAllInOrder(List<String> keys) {
    return multiGet.getAllInOrder(keys);
  }

  /** {@link #getAllInOrder(List)} with each value read by {@code reader} ({@code RemoteStore.getAllInOrder(List, ValueReader)}). */
  public <T> CompletableFuture<List<@Nullable T>> getAllInOrder(List<String> keys, ValueReader<? extends T> reader) {
    return multiGet.getAllInOrder(keys, reader);
  }

  /** {@link #getAll} whose meta gets carry the {@code T} flag: each key found gets {@code ttl} to live. */
  public CompletableFuture<Map<String, byte[]>> getAllAndTouch(Collection<String> keys, Duration ttl) {
    try {
      return multiGet.getAll(keys, rules.ttlFlag(ttl));
    } catch (RuntimeException e) {
      return CompletableFuture.failedFuture(e);
    }
  }

  // ---- writes ------------------------------------------------------------------------------

  public CompletableFuture<Void> put(String key, byte[] value, @Nullable Duration ttl) {
    try {
      rules.checkSize(key, value);
      Target t = placement.target(key);
      String ttlFlag = rules.ttlFlag(ttl);
      if (t.namespace() == null) {
        return t.node().submit(Commands.ms(t.key(), value, "F" + NamespaceVersions.PLAIN + ttlFlag)).thenApply(Replies::stored);
      }
      Long cached = t.node().namespaceVersions().get(t.namespace());
      if (cached == null) {
        return NamespaceVersions.versionOf(t.node(), t.namespace(), 0)
            .thenCompose(v -> t.node().submit(Commands.ms(t.key(), value, "F" + v + ttlFlag)))
            .thenApply(Replies::stored);
      }
      CompletableFuture<MetaResponse> version = NamespaceVersions.read(t.node(), t.namespace());
      CompletableFuture<MetaResponse> write = t.node().submit(Commands.ms(t.key(), value, "F" + cached + ttlFlag));
      return version
          .thenCombine(write, (v, w) -> {
            Replies.stored(w);
            return NamespaceVersions.remember(t, v);
          })
          .thenCompose(
              current -> {
                if (current == cached) {
                  return CompletableFuture.completedFuture((Void) null);
                }
                // The namespace moved on (or its version was evicted): write again with the new one.
                return NamespaceVersions.current(t)
                    .thenCompose(v -> t.node().submit(Commands.ms(t.key(), value, "F" + v + ttlFlag)))
                    .thenApply(Replies::stored);
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
      rules.checkSize(key, value);
      Target t = placement.target(key);
      return putIfAbsent(t, value, rules.ttlFlag(ttl), 0);
    } catch (RuntimeException e) {
      return CompletableFuture.failedFuture(e);
    }
  }

  private CompletableFuture<Boolean> putIfAbsent(Target t, byte[] value, String ttlFlag, int attempt) {
    return NamespaceVersions.current(t)
        .thenCompose(
            flags ->
                t.node()
                    .submit(Commands.mg(t.key(), "f c"))
                    .thenCompose(
                        found -> {
                          Replies.check(found);
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
                                    Replies.check(stored);
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
      Target t = placement.target(key);
      return t.node().submit(Commands.md(t.key(), "")).thenApply(Replies::deleted);
    } catch (RuntimeException e) {
      return CompletableFuture.failedFuture(e);
    }
  }

  /**
   * Deletes {@code key} only if it still holds {@code expected}: a meta get of the value and its CAS
   * token, then a meta delete guarded by that token ({@code md <key> C<cas>}), which the server
   * refuses if anything wrote the item in between.
   */
  public CompletableFuture<Boolean> deleteIfUnchanged(String key, byte[] expected) {
    try {
      Target t = placement.target(key);
      return t.node()
          .submit(Commands.mg(t.key(), "v c"))
          .thenCompose(
              found -> {
                Replies.check(found);
                if (!found.is("VA") || !java.util.Arrays.equals(found.value(), expected)) {
                  return CompletableFuture.completedFuture(false);
                }
                return t.node()
                    .submit(Commands.md(t.key(), "C" + found.longFlag('c', 0)))
                    .thenApply(
                        deleted -> {
                          Replies.check(deleted);
                          return deleted.is("HD");
                        });
              });
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
    return NamespaceVersions.renew(client.nodes(), prefix);
  }
}
