package dev.cascade.cache.internal;

import dev.cascade.cache.Ticker;
import dev.cascade.cache.codec.Envelope;
import dev.cascade.cache.spi.RemoteStore;
import dev.cascade.cache.spi.TierEntry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.function.BiFunction;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;

/**
 * The reads of a {@link RemoteTier}: one key or many, each as one store call whose reply is parsed
 * off the client library's I/O thread for a blocking caller (on its loop through {@link CallerHop},
 * or on its own thread after waiting), then checked for expiry and tags, one more store call if
 * any value read has tags. What a value means belongs to {@link RemoteValues}, tags to {@link
 * RemoteTags}. Invariant: a failure of the parse fails the read as a failure of the store does.
 * Stateless apart from its collaborators; thread-safe.
 */
final class RemoteReads<K, V> {
  private final RemoteStore store;
  private final RemoteKeys<K> keys;
  private final Ticker ticker;
  private final CircuitGuard guard;
  /** The sliding TTL, or {@code null} for plain reads and fixed expiries. */
  private final @Nullable Duration sliding;
  private final RemoteValues<V> values;
  /** The raw value form, or {@code null} for the envelope. */
  private final @Nullable RawValues raw;
  private final RemoteTags<K> tags;

  RemoteReads(
      RemoteStore store,
      RemoteKeys<K> keys,
      Ticker ticker,
      CircuitGuard guard,
      @Nullable Duration sliding,
      RemoteValues<V> values,
      @Nullable RawValues raw,
      RemoteTags<K> tags) {
    this.store = store;
    this.keys = keys;
    this.ticker = ticker;
    this.guard = guard;
    this.sliding = sliding;
    this.values = values;
    this.raw = raw;
    this.tags = tags;
  }

  /** Reads {@code key}; a blocking caller parses the reply on its loop ({@link CallerHop}). */
  CompletableFuture<@Nullable TierEntry<V>> read(K key) {
    return storeRead(keys.entryKey(key)).parsedOnCallerHop().thenCompose(this::entryOf);
  }

  /**
   * {@link #read} for a caller that blocks on it: waits on this thread for the store's reply and
   * parses it here, with no completion stage of its own and no hop.
   *
   * @throws IllegalArgumentException if the key cannot be encoded (before anything is sent)
   * @throws CompletionException wrapping the failure of the store or of the value's handling
   */
  @Nullable TierEntry<V> readBlocking(K key) {
    return storeRead(keys.entryKey(key)).parsedHere(this::entryOf).join();
  }

  /** The store call that reads {@code remoteKey} as this tier's layout and TTL call for, and its parse. */
  private StoreRead<?, RemoteValues.@Nullable Fetched> storeRead(String remoteKey) {
    Duration touch = sliding;
    if (raw != null && touch == null) {
      return new StoreRead<>(
          guard.call(() -> store.getWithTtl(remoteKey)), timed -> timed == null ? null : values.fetched(remoteKey, timed));
    }
    return new StoreRead<>(
        guard.call(() -> touch == null ? store.get(remoteKey) : store.getAndTouch(remoteKey, touch)),
        bytes -> bytes == null ? null : values.fetched(remoteKey, bytes, touch));
  }

  /**
   * A store call in flight and how its reply is parsed: on the blocking caller's loop ({@link
   * CallerHop}), or on this thread after waiting for it. Either way the parse runs off the client
   * library's I/O thread for a blocking caller, and a failure of the parse fails the read as a
   * failure of the store does.
   */
  private record StoreRead<R, P>(CompletableFuture<R> reply, Function<? super R, ? extends P> parse) {
    CompletableFuture<P> parsedOnCallerHop() {
      return CallerHop.thenApply(reply, parse);
    }

    /**
     * Waits for the reply, parses it and hands the parse to {@code then}, all on this thread; returns
     * what {@code then} returns.
     *
     * @throws CompletionException wrapping a failure of the store, the parse or {@code then}
     */
    <T> T parsedHere(Function<? super P, ? extends T> then) {
      R replied = reply.join();
      try {
        return then.apply(parse.apply(replied));
      } catch (CompletionException e) {
        throw e;
      } catch (RuntimeException e) {
        throw new CompletionException(e);
      }
    }
  }

  /**
   * The entry of what was read, {@code found}: null if nothing was, dropped (and null) if it
   * expired or one of its tags moved on; checking tags costs one more store call.
   */
  private CompletableFuture<@Nullable TierEntry<V>> entryOf(RemoteValues.@Nullable Fetched found) {
    if (found == null) {
      return CompletableFuture.completedFuture(null);
    }
    Envelope envelope = found.envelope();
    if (values.expired(envelope)) {
      return CompletableFuture.completedFuture(values.dropStale(found));
    }
    if (envelope.tagVersions().isEmpty()) {
      return CompletableFuture.completedFuture(values.toEntry(found));
    }
    return tags.records(envelope.tagVersions().keySet())
        .thenApply(records -> tags.valid(envelope, records) ? values.toEntry(found) : values.dropStale(found));
  }

  /**
   * One store call for all keys, one pass over what it found, one more call if any entry has tags.
   * The keys asked for, their remote keys and what was read of them are arrays of one order, so no
   * map leads from a remote key back to its key.
   */
  CompletableFuture<@Nullable TierEntry<V>[]> readAll(Object[] asked) {
    return bulkRead(remoteKeys(asked)).parsedOnCallerHop().thenCompose(this::entriesOf);
  }

  /**
   * {@link #readAll} for a caller that blocks on it, as {@link #readBlocking} is for {@link #read}.
   *
   * @throws IllegalArgumentException if a key cannot be encoded (before anything is sent)
   * @throws CompletionException wrapping the failure of the store or of the values' handling
   */
  @Nullable TierEntry<V>[] readAllBlocking(Object[] asked) {
    return bulkRead(remoteKeys(asked)).parsedHere(this::entriesOf).join();
  }

  /** The remote keys of {@code asked}, in its order. */
  private String[] remoteKeys(Object[] asked) {
    String[] remoteKeys = new String[asked.length];
    for (int i = 0; i < asked.length; i++) {
      @SuppressWarnings("unchecked")
      K key = (K) asked[i];
      remoteKeys[i] = keys.entryKey(key);
    }
    return remoteKeys;
  }

  /** The one store call that reads {@code remoteKeys} as this tier's layout and TTL call for, and its parse. */
  private StoreRead<?, RemoteValues.@Nullable Fetched[]> bulkRead(String[] remoteKeys) {
    Duration touch = sliding;
    List<String> remoteKeyList = Arrays.asList(remoteKeys);
    if (raw != null && touch == null) {
      return new StoreRead<>(
          guard.call(() -> store.getAllWithTtl(remoteKeyList)), found -> live(remoteKeys, inOrder(found, remoteKeys), values::fetched));
    }
    if (touch != null) {
      return new StoreRead<>(
          guard.call(() -> store.getAllAndTouch(remoteKeyList, touch)),
          found -> live(remoteKeys, inOrder(found, remoteKeys), (remoteKey, bytes) -> values.fetched(remoteKey, bytes, touch)));
    }
    return new StoreRead<>(
        guard.call(() -> store.getAllInOrder(remoteKeyList, RemoteValues.SPLIT_OR_COPY)), found -> live(remoteKeys, found, values::fetched));
  }

  /** The entries of the values a bulk read found alive ({@link #live}), after one read of their tags if any has tags. */
  private CompletableFuture<@Nullable TierEntry<V>[]> entriesOf(RemoteValues.@Nullable Fetched[] live) {
    Set<String> tagged = null;
    for (RemoteValues.Fetched read : live) {
      if (read != null && !read.envelope().tagVersions().isEmpty()) {
        tagged = tagged == null ? new HashSet<>() : tagged;
        tagged.addAll(read.envelope().tagVersions().keySet());
      }
    }
    if (tagged == null) {
      return CompletableFuture.completedFuture(entries(live, Map.of()));
    }
    return tags.records(tagged).thenApply(versions -> entries(live, versions));
  }

  /**
   * The usable values {@code found} by a bulk read of {@code remoteKeys} (element {@code i} the value
   * of key {@code i}, or {@code null}): parsed, {@code null} where none was found or it was corrupt
   * or expired (dropped).
   */
  private <T> RemoteValues.@Nullable Fetched[] live(
      String[] remoteKeys, List<@Nullable T> found, BiFunction<String, T, RemoteValues.@Nullable Fetched> parse) {
    if (found.size() != remoteKeys.length) {
      throw new IllegalStateException("the store answered " + found.size() + " values for " + remoteKeys.length + " keys");
    }
    RemoteValues.@Nullable Fetched[] live = new RemoteValues.Fetched[remoteKeys.length];
    long now = ticker.wallMillis(); // once for the whole reply, not once per value
    for (int i = 0; i < remoteKeys.length; i++) {
      String remoteKey = remoteKeys[i];
      T value = found.get(i);
      RemoteValues.Fetched read = value == null ? null : parse.apply(remoteKey, value);
      if (read != null && values.expired(read.envelope(), now)) {
        values.dropStale(read);
      } else {
        live[i] = read;
      }
    }
    return live;
  }

  /** The values of {@code found} in the order of {@code remoteKeys}, {@code null} for those not found. */
  private static <T> List<@Nullable T> inOrder(Map<String, T> found, String[] remoteKeys) {
    List<@Nullable T> inOrder = new ArrayList<>(remoteKeys.length);
    for (String remoteKey : remoteKeys) {
      inOrder.add(found.isEmpty() ? null : found.get(remoteKey));
    }
    return inOrder;
  }

  /**
   * The entries of {@code live} whose tags are still valid by {@code versions}, in the same order;
   * {@code null} for the others, which it drops.
   */
  private @Nullable TierEntry<V>[] entries(RemoteValues.@Nullable Fetched[] live, Map<String, byte[]> versions) {
    @SuppressWarnings("unchecked")
    @Nullable TierEntry<V>[] entries = new TierEntry[live.length];
    for (int i = 0; i < live.length; i++) {
      RemoteValues.Fetched read = live[i];
      if (read == null) {
        continue;
      }
      if (!tags.valid(read.envelope(), versions)) {
        values.dropStale(read);
        continue;
      }
      entries[i] = values.toEntry(read);
    }
    return entries;
  }
}
