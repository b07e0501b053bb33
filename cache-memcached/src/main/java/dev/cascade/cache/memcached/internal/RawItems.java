package dev.cascade.cache.memcached.internal;

import dev.cascade.cache.spi.RemoteStore;
import dev.cascade.cache.spi.TimedValue;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.function.BiConsumer;
import org.jspecify.annotations.Nullable;

/**
 * Items laid out for other memcached clients (a cache with {@code RemoteLayout.rawValues()}): the
 * key as given, the value as given, and the client flags of text in the common clients' convention.
 *
 * <p>The convention: spymemcached's and xmemcached's {@code SerializingTranscoder} store a {@code
 * String} as its UTF-8 bytes with flags 0, and pymemcache's client without a serde writes flags 0
 * too; pymemcache's {@code python_memcache_serializer} (and python-memcached) mark text with {@code
 * FLAG_TEXT}, 16. So every value is written with flags {@value #WRITTEN_FLAGS}, and a value read is
 * text if its flags are 0 or 16. Any other flags (the Java clients' serialized object 1, compressed 2,
 * their primitive and byte-array markers 256 to 2048; Python's pickle 1, integer 2, long 4) mark a
 * value of another type: it is handed back as {@link TimedValue#foreign() foreign} by the reads that
 * return a {@link TimedValue}, and as a miss by the others, never as bytes to decode.
 *
 * <p>No namespace versions: nothing but the value may ride on an item that other clients read and
 * write. A key goes out as it is when it is printable ASCII without spaces and at most 250 bytes (so
 * other clients find it under the same name), base64-encoded with the meta {@code b} flag when it
 * has other bytes (the server decodes it: the same item), and as {@code 0xFF} + its SHA-256 only when
 * it has other bytes and is over 186 bytes, which base64 would take past 250.
 *
 * <p>Stateless apart from its collaborators; thread-safe; never blocks; fails only through futures.
 */
public final class RawItems {
  /** The client flags of every value written: text, as the common clients write a string. */
  public static final long WRITTEN_FLAGS = 0;
  /** pymemcache's (and python-memcached's) {@code FLAG_TEXT}: UTF-8 text, read as such. */
  public static final long PYTHON_TEXT_FLAGS = 16;
  /** The longest key sent as it is; memcached's limit. */
  static final int MAX_KEY_BYTES = 250;

  private final MemcachedClient client;
  private final ItemRules rules;

  RawItems(MemcachedClient client, ItemRules rules) {
    this.client = client;
    this.rules = rules;
  }

  /** Returns whether a value with these client flags is text in the convention (0 or 16). */
  public static boolean isText(long flags) {
    return flags == WRITTEN_FLAGS || flags == PYTHON_TEXT_FLAGS;
  }

  /** Returns the binary key sent for {@code key} (see the class comment). */
  static byte[] wireKey(String key) {
    byte[] utf8 = Commands.utf8(key);
    if (utf8.length > 0 && utf8.length <= MAX_KEY_BYTES && Commands.isPlain(utf8)) {
      return utf8;
    }
    return Commands.wireKey(key); // base64 up to 186 bytes, else hashed
  }

  private Target target(String key) {
    Objects.requireNonNull(key, "key");
    byte[] wire = wireKey(key);
    return new Target(key, client.nodeFor(wire), wire, null);
  }

  // ---- reads -------------------------------------------------------------------------------

  /** Returns the value under {@code key} if it is text, else {@code null}. */
  public CompletableFuture<byte @Nullable []> get(String key) {
    return read(key, "v f").thenApply(RawItems::textValue);
  }

  /** Returns the value under {@code key} with its time left ({@code mg <key> v f t}), or {@code null}. */
  public CompletableFuture<@Nullable TimedValue> getWithTtl(String key) {
    return read(key, "v f t").thenApply(RawItems::timed);
  }

  /** Reads {@code key} and sets its TTL in one meta get ({@code T}); a value not text is a miss. */
  public CompletableFuture<byte @Nullable []> getAndTouch(String key, Duration ttl) {
    try {
      return read(key, "v f" + rules.ttlFlag(ttl)).thenApply(RawItems::textValue);
    } catch (RuntimeException e) {
      return CompletableFuture.failedFuture(e);
    }
  }

  public CompletableFuture<Map<String, byte[]>> getAll(Collection<String> keys) {
    return readAll(keys, "v f", (reply, put) -> {
      byte[] value = textValue(reply);
      if (value != null) {
        put.accept(value);
      }
    });
  }

  public CompletableFuture<Map<String, TimedValue>> getAllWithTtl(Collection<String> keys) {
    return readAll(keys, "v f t", (reply, put) -> {
      TimedValue value = timed(reply);
      if (value != null) {
        put.accept(value);
      }
    });
  }

  public CompletableFuture<Map<String, byte[]>> getAllAndTouch(Collection<String> keys, Duration ttl) {
    String flags;
    try {
      flags = "v f" + rules.ttlFlag(ttl);
    } catch (RuntimeException e) {
      return CompletableFuture.failedFuture(e);
    }
    return readAll(keys, flags, (reply, put) -> {
      byte[] value = textValue(reply);
      if (value != null) {
        put.accept(value);
      }
    });
  }

  private CompletableFuture<@Nullable MetaResponse> read(String key, String flags) {
    try {
      Target t = target(key);
      if (!t.node().isUp()) {
        // As the default layout reads: a server known to be down serves misses, a closed client fails.
        return t.node().isClosed() ? CompletableFuture.failedFuture(t.node().closedError()) : CompletableFuture.completedFuture(null);
      }
      return t.node().submit(Commands.mg(t.key(), flags)).thenApply(reply -> {
        Replies.check(reply);
        return reply;
      });
    } catch (RuntimeException e) {
      return CompletableFuture.failedFuture(e);
    }
  }

  private static byte @Nullable [] textValue(@Nullable MetaResponse reply) {
    if (reply == null || !reply.is("VA") || !isText(reply.longFlag('f', -1))) {
      return null;
    }
    return reply.value();
  }

  private static @Nullable TimedValue timed(@Nullable MetaResponse reply) {
    if (reply == null || !reply.is("VA")) {
      return null;
    }
    byte[] value = Objects.requireNonNull(reply.value(), "VA without a value");
    long left = reply.longFlag('t', -1);
    // t counts the ticks of memcached's once-a-second clock until the item expires, the next of them
    // less than a second away: the item lives between t - 1 and t seconds more. Report the lower
    // bound, so that a nearer tier never keeps the value past the server (t is at least 1 for an item
    // the server still serves).
    Duration remaining = left < 0 ? null : Duration.ofSeconds(Math.max(0, left - 1));
    return new TimedValue(value, remaining, !isText(reply.longFlag('f', -1)));
  }

  /**
   * One batch of meta gets per server, servers in parallel ({@link MultiGet#acrossServers}: a down
   * server's keys are misses, the call fails only when no server answered); each reply goes through
   * {@code keep}, which hands what it keeps to the consumer it is given.
   */
  private <T> CompletableFuture<Map<String, T>> readAll(
      Collection<String> keys, String flags, BiConsumer<MetaResponse, java.util.function.Consumer<T>> keep) {
    try {
      return MultiGet.acrossServers(keys, this::target, (node, targets) -> {
        List<byte[]> commands = new ArrayList<>(targets.size());
        targets.forEach(t -> commands.add(Commands.mg(t.key(), flags)));
        return node.submitBatch(commands).thenApply(replies -> {
          Map<String, T> found = new HashMap<>();
          for (int i = 0; i < replies.length; i++) {
            MetaResponse reply = Objects.requireNonNull(replies[i], "missing reply");
            Replies.check(reply);
            String userKey = targets.get(i).userKey();
            keep.accept(reply, value -> found.put(userKey, value));
          }
          return found;
        });
      });
    } catch (RuntimeException e) { // a key that cannot be placed
      return CompletableFuture.failedFuture(e);
    }
  }

  // ---- writes ------------------------------------------------------------------------------

  /** Stores {@code value} under {@code key} with flags {@value #WRITTEN_FLAGS} and {@code ttl}. */
  public CompletableFuture<Void> put(String key, byte[] value, @Nullable Duration ttl) {
    try {
      rules.checkSize(key, value);
      Target t = target(key);
      return t.node().submit(Commands.ms(t.key(), value, "F" + WRITTEN_FLAGS + rules.ttlFlag(ttl))).thenApply(Replies::stored);
    } catch (RuntimeException e) {
      return CompletableFuture.failedFuture(e);
    }
  }

  public CompletableFuture<Void> putAll(Map<String, RemoteStore.Write> writes) {
    List<CompletableFuture<Void>> all = new ArrayList<>(writes.size());
    writes.forEach((key, write) -> all.add(put(key, write.value(), write.ttl())));
    return CompletableFuture.allOf(all.toArray(CompletableFuture[]::new));
  }

  /** Stores {@code value} only if {@code key} holds no item at all ({@code ms ... ME}, add mode). */
  public CompletableFuture<Boolean> putIfAbsent(String key, byte[] value, @Nullable Duration ttl) {
    try {
      rules.checkSize(key, value);
      Target t = target(key);
      return t.node()
          .submit(Commands.ms(t.key(), value, "ME F" + WRITTEN_FLAGS + rules.ttlFlag(ttl)))
          .thenApply(reply -> {
            Replies.check(reply);
            return reply.is("HD");
          });
    } catch (RuntimeException e) {
      return CompletableFuture.failedFuture(e);
    }
  }

  public CompletableFuture<Void> delete(String key) {
    try {
      Target t = target(key);
      return t.node().submit(Commands.md(t.key(), "")).thenApply(Replies::deleted);
    } catch (RuntimeException e) {
      return CompletableFuture.failedFuture(e);
    }
  }

  public CompletableFuture<Void> deleteAll(Collection<String> keys) {
    List<CompletableFuture<Void>> all = new ArrayList<>(keys.size());
    keys.forEach(key -> all.add(delete(key)));
    return CompletableFuture.allOf(all.toArray(CompletableFuture[]::new));
  }

  /**
   * Deletes {@code key} only if it still holds {@code expected} (whatever its flags): a meta get of
   * the value and its CAS token, then {@code md <key> C<cas>}, which the server refuses if anything
   * wrote the item in between.
   */
  public CompletableFuture<Boolean> deleteIfUnchanged(String key, byte[] expected) {
    try {
      Target t = target(key);
      return t.node()
          .submit(Commands.mg(t.key(), "v c"))
          .thenCompose(found -> {
            Replies.check(found);
            if (!found.is("VA") || !Arrays.equals(found.value(), expected)) {
              return CompletableFuture.completedFuture(false);
            }
            return t.node()
                .submit(Commands.md(t.key(), "C" + found.longFlag('c', 0)))
                .thenApply(deleted -> {
                  Replies.check(deleted);
                  return deleted.is("HD");
                });
          });
    } catch (RuntimeException e) {
      return CompletableFuture.failedFuture(e);
    }
  }
}
