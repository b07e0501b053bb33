package dev.cascade.cache.memcached.internal;

import dev.cascade.cache.spi.ValueReader;
import java.nio.ByteBuffer;
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
import java.util.function.BiFunction;
import java.util.function.Function;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/**
 * Multi-key reads: one round trip per server, servers in parallel.
 *
 * <p>Per server, the keys go out as one classic {@code get k1 k2 ...} (in chunks of {@value
 * #CLASSIC_GET_KEYS}) when every key's wire form is plain, else as one pipelined batch of {@code
 * mg}; the versions of the keys' namespaces are read in the same pipeline, and only values written
 * under the current version are kept. The keys of a server known to be down are misses; the call
 * fails only when no server answered (with {@link IllegalStateException} once the client is closed). Tuned: no per-key map or string beyond the result map.
 * Thread-safe; never blocks.
 */
final class MultiGet {
  private static final int CLASSIC_GET_KEYS = 100;

  private final KeyPlacement placement;

  MultiGet(KeyPlacement placement) {
    this.placement = placement;
  }

  /**
   * Returns a future of the values present among {@code keys}, by key; {@code touchFlag} is {@code
   * ""} for a plain read, else the {@code " T<expiry>"} flag each meta get carries.
   */
  CompletableFuture<Map<String, byte[]>> getAll(Collection<String> keys, String touchFlag) {
    return acrossServers(
        keys,
        placement::target,
        (node, targets) -> {
          Map<String, byte[]> found = hashMapFor(targets.size());
          return getAllOn(node, targets, touchFlag, null, (i, t, reply) -> found.put(t.userKey(), Objects.requireNonNull(reply.value())))
              .thenApply(done -> found);
        });
  }

  /**
   * {@link #getAll} (a plain read) answered by position: element {@code i} is the value of key
   * {@code i}, or {@code null}; {@code keys} holds no duplicates. The same commands, servers and
   * failure rules as {@link #acrossServers}, with each value written straight to its key's position
   * instead of into a map.
   */
  CompletableFuture<List<byte @Nullable []>> getAllInOrder(List<String> keys) {
    return getAllInOrder(keys, MultiGet::copy);
  }

  /** A value's bytes, copied whole out of the buffer they arrived in. */
  private static byte[] copy(ByteBuffer bytes) {
    byte[] value = new byte[bytes.remaining()];
    bytes.get(value);
    return value;
  }

  /**
   * {@link #getAllInOrder(List)} with each value read by {@code reader}: on the I/O thread where the
   * value arrived for the keys of a classic {@code get}, else (an {@code mg} batch, or a reader that
   * threw there) from a copy, once every server has answered, so that a throw fails the whole read
   * (a failure of one server's read would only make its keys misses).
   */
  <T> CompletableFuture<List<@Nullable T>> getAllInOrder(List<String> keys, ValueReader<? extends T> reader) {
    return repliesInOrder(keys, reader)
        .thenApply(
            replies -> {
              List<@Nullable T> values = new ArrayList<>(replies.length);
              for (MetaResponse reply : replies) {
                values.add(reply == null ? null : valueOf(reply, reader));
              }
              return values;
            });
  }

  /** What {@code reader} made of {@code reply}'s value on the I/O thread, else what it makes of its bytes now. */
  private static <T> T valueOf(MetaResponse reply, ValueReader<? extends T> reader) {
    @SuppressWarnings("unchecked") // read by this same reader, so a T
    T read = (T) reply.read();
    return read != null ? read : reader.read(ByteBuffer.wrap(Objects.requireNonNull(reply.value())));
  }

  /**
   * The current {@code VA} reply of each of {@code keys} (no duplicates) by position, {@code null}
   * for a miss: the same commands, servers and failure rules as {@link #acrossServers}, each reply
   * written straight to its key's position instead of into a map.
   */
  private CompletableFuture<@Nullable MetaResponse[]> repliesInOrder(List<String> keys, ValueReader<?> reader) {
    MetaResponse[] replies = new MetaResponse[keys.size()];
    Map<ServerNode, Placed> byNode = new LinkedHashMap<>();
    for (int i = 0; i < keys.size(); i++) {
      Target t = placement.target(keys.get(i));
      byNode.computeIfAbsent(t.node(), n -> new Placed(keys.size())).add(t, i);
    }
    List<CompletableFuture<Void>> perNode = new ArrayList<>(byNode.size());
    byNode.forEach(
        (node, placed) ->
            readOn(node, () -> getAllOn(node, placed.targets, "", reader, (i, t, reply) -> replies[placed.positions[i]] = reply), perNode));
    // each node's replies were written before its future completed
    return unlessEveryServerFailed(perNode).thenApply(done -> replies);
  }

  /** The keys of one call that live on one server, with each one's position among the call's keys. */
  private static final class Placed {
    final List<Target> targets = new ArrayList<>();
    final int[] positions;

    Placed(int keys) {
      positions = new int[keys];
    }

    void add(Target target, int position) {
      positions[targets.size()] = position;
      targets.add(target);
    }
  }

  /**
   * Where a per-server read puts each value it keeps: the {@code i}-th of its targets, {@code t},
   * found in {@code reply}, a {@code VA} reply of the current namespace version.
   */
  private interface Found {
    void value(int i, Target t, MetaResponse reply);
  }

  /**
   * Reads {@code keys} (placed by {@code target}, without duplicates, each server's in the order
   * given) with one {@code read} per server, servers in parallel, and merges what each found. The
   * keys of a server known to be down are misses; the call fails only when no server answered (with
   * {@link IllegalStateException} once the client is closed). Each {@code read} must answer a fresh
   * mutable map: the first one collects the rest.
   */
  static <T> CompletableFuture<Map<String, T>> acrossServers(
      Collection<String> keys,
      Function<String, Target> target,
      BiFunction<ServerNode, List<Target>, CompletableFuture<Map<String, T>>> read) {
    Map<ServerNode, List<Target>> byNode = new LinkedHashMap<>();
    Set<String> seen = new HashSet<>((int) (keys.size() / 0.75f) + 1);
    for (String key : keys) {
      if (seen.add(key)) {
        Target t = target.apply(key);
        byNode.computeIfAbsent(t.node(), n -> new ArrayList<>(keys.size())).add(t);
      }
    }
    List<CompletableFuture<Map<String, T>>> perNode = new ArrayList<>();
    byNode.forEach((node, nodeTargets) -> readOn(node, () -> read.apply(node, nodeTargets), perNode));
    return unlessEveryServerFailed(perNode)
        .thenApply(
            done -> {
              Map<String, T> found = null;
              for (CompletableFuture<Map<String, T>> f : perNode) {
                if (f.isCompletedExceptionally()) {
                  continue;
                } else if (found == null) {
                  found = f.join();
                } else {
                  found.putAll(f.join());
                }
              }
              return found == null ? new HashMap<>() : found;
            });
  }

  /**
   * Adds to {@code perNode} the read of one server's keys: {@code read} if the server is up, a
   * failure if the client is closed, nothing if the server is known to be down (its keys are
   * misses, as in get).
   */
  private static <R> void readOn(ServerNode node, Supplier<CompletableFuture<R>> read, List<CompletableFuture<R>> perNode) {
    if (node.isUp()) {
      perNode.add(read.get());
    } else if (node.isClosed()) {
      perNode.add(CompletableFuture.failedFuture(node.closedError()));
    }
  }

  /**
   * Completes once every read of {@code perNode} has: normally unless all of them failed (then with
   * the first failure), so a multi-get fails only when no server answered.
   */
  private static CompletableFuture<Void> unlessEveryServerFailed(List<? extends CompletableFuture<?>> perNode) {
    CompletableFuture<Void> result = new CompletableFuture<>();
    CompletableFuture.allOf(perNode.toArray(CompletableFuture[]::new))
        .whenComplete(
            (done, error) -> {
              Throwable firstError = null;
              int failed = 0;
              for (CompletableFuture<?> f : perNode) {
                if (f.isCompletedExceptionally()) {
                  failed++;
                  firstError = firstError != null ? firstError : Replies.causeOf(f);
                }
              }
              if (failed > 0 && failed == perNode.size()) {
                result.completeExceptionally(firstError);
              } else {
                result.complete(null);
              }
            });
    return result;
  }

  private CompletableFuture<Void> getAllOn(
      ServerNode node, List<Target> targets, String touchFlag, @Nullable ValueReader<?> reader, Found found) {
    // The values' commands and the reads of their namespaces' versions go out in one write (one
    // pipeline), the versions first; the version reads are added last, as Pipeline.shared asks.
    ServerNode.Pipeline pipeline = node.pipeline();
    CompletableFuture<List<@Nullable MetaResponse>> replies =
        touchFlag.isEmpty() && allPlain(targets) ? getAllClassic(pipeline, targets, reader) : getAllMeta(pipeline, targets, touchFlag);
    Map<String, CompletableFuture<MetaResponse>> namespaceVersions = new HashMap<>();
    String last = null;
    for (Target t : targets) {
      String namespace = t.namespace();
      if (namespace != null && !namespace.equals(last) && !namespaceVersions.containsKey(namespace)) {
        namespaceVersions.put(namespace, NamespaceVersions.read(pipeline, namespace));
      }
      last = namespace;
    }
    pipeline.send();
    return keepCurrent(node, targets, namespaceVersions, replies, found);
  }

  /** Adds one batch of {@code mg}, one per target, to {@code pipeline}: the replies in target order. */
  private static CompletableFuture<List<@Nullable MetaResponse>> getAllMeta(
      ServerNode.Pipeline pipeline, List<Target> targets, String touchFlag) {
    String flags = "v f" + touchFlag;
    List<byte[]> commands = new ArrayList<>(targets.size());
    for (Target t : targets) {
      commands.add(Commands.mg(t.key(), flags));
    }
    return pipeline.batch(commands).thenApply(Arrays::asList);
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

  /**
   * Adds classic {@code get}s of {@code targets} (plain keys), in chunks, to {@code pipeline}: the
   * replies in target order, {@code null} for a miss.
   */
  private static CompletableFuture<List<@Nullable MetaResponse>> getAllClassic(
      ServerNode.Pipeline pipeline, List<Target> targets, @Nullable ValueReader<?> reader) {
    List<String> keys = new ArrayList<>(targets.size()); // plain: each is its own wire key
    for (Target t : targets) {
      keys.add(t.userKey());
    }
    List<CompletableFuture<MetaResponse[]>> chunks = new ArrayList<>();
    for (int from = 0; from < keys.size(); from += CLASSIC_GET_KEYS) {
      chunks.add(pipeline.classicGet(keys.subList(from, Math.min(keys.size(), from + CLASSIC_GET_KEYS)), reader));
    }
    return CompletableFuture.allOf(chunks.toArray(CompletableFuture[]::new))
        .thenApply(
            done -> {
              List<@Nullable MetaResponse> inOrder = new ArrayList<>(keys.size());
              chunks.forEach(chunk -> inOrder.addAll(Arrays.asList(chunk.join())));
              return inOrder;
            });
  }

  /**
   * Waits for the replies (one per target, in order; {@code null} for a key a classic get did not
   * return) and the namespace versions read with them, and keeps the values written under the
   * current version of their namespace, handing each to {@code found}.
   */
  private static CompletableFuture<Void> keepCurrent(
      ServerNode node,
      List<Target> targets,
      Map<String, CompletableFuture<MetaResponse>> namespaceVersions,
      CompletableFuture<List<@Nullable MetaResponse>> replies,
      Found found) {
    List<CompletableFuture<?>> all = new ArrayList<>(namespaceVersions.values());
    all.add(replies);
    return CompletableFuture.allOf(all.toArray(CompletableFuture[]::new))
        .thenApply(
            done -> {
              Map<String, Long> current = new HashMap<>();
              namespaceVersions.forEach(
                  (namespace, reply) -> current.put(namespace, NamespaceVersions.remember(node, namespace, reply.join())));
              List<@Nullable MetaResponse> inOrder = replies.join();
              String lastNamespace = null;
              long lastVersion = NamespaceVersions.PLAIN;
              for (int i = 0; i < targets.size(); i++) {
                MetaResponse reply = inOrder.get(i);
                if (reply == null) {
                  continue;
                }
                Target t = targets.get(i);
                String namespace = t.namespace();
                if (namespace != lastNamespace) { // keys of one call mostly share one namespace object
                  lastNamespace = namespace;
                  lastVersion = namespace == null ? NamespaceVersions.PLAIN : current.get(namespace);
                }
                if (Replies.isCurrent(reply, lastVersion)) {
                  found.value(i, t, reply);
                }
              }
              return null;
            });
  }

  /** Returns an empty {@link HashMap} that holds {@code size} entries without resizing. */
  private static <K, V> HashMap<K, V> hashMapFor(int size) {
    return new HashMap<>((int) (size / 0.75f) + 1);
  }
}
