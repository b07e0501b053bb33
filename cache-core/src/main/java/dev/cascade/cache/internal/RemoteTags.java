package dev.cascade.cache.internal;

import dev.cascade.cache.Ticker;
import dev.cascade.cache.codec.Envelope;
import dev.cascade.cache.spi.RemoteStore;
import dev.cascade.cache.spi.TagSetStore;
import dev.cascade.cache.spi.TagVersion;
import dev.cascade.cache.spi.TierEntry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import org.jspecify.annotations.Nullable;

/**
 * The tags of one {@link RemoteTier}, in whichever of its three forms the cache's layout gives
 * them: tag versions (the default: a version read before each tagged write and recorded in the
 * envelope, checked on each read, replaced by an invalidation), tag sets (a raw cache with {@code
 * RemoteLayout.tagSets}: each tagged write adds its key to the tags' sets, an invalidation deletes
 * a set's members), or none (a raw cache without tag sets, which refuses tagged writes).
 *
 * <p>Invariant: every store call goes through the tier's {@link CircuitGuard}. Stateless apart
 * from its collaborators; thread-safe.
 */
final class RemoteTags<K> {
  /** How much longer than its newest member a tag set lives, as hand-written cache-aside code does. */
  static final Duration TAG_SET_GRACE = Duration.ofSeconds(60);

  private final RemoteStore store;
  private final RemoteKeys<K> keys;
  private final CircuitGuard guard;
  private final Ticker ticker;
  /** Whether values are raw: then they record no tag versions. */
  private final boolean raw;
  /** The store's tag sets, when tags are kept as sets of member keys. */
  private final @Nullable TagSetStore sets;

  RemoteTags(RemoteStore store, RemoteKeys<K> keys, CircuitGuard guard, Ticker ticker, boolean raw, boolean tagSets) {
    this.store = store;
    this.keys = keys;
    this.guard = guard;
    this.ticker = ticker;
    this.raw = raw;
    this.sets = tagSets ? (TagSetStore) store : null;
  }

  /**
   * Returns the current versions of {@code tags} for an entry whose data is current as of {@code
   * writtenAtMillis}, creating missing ones (empty when there are no tags or the values are raw,
   * which record none). A record created here is stamped as created at {@code writtenAtMillis} when
   * {@code loaded} is false (a put, a fill, or a load readying its tags as it begins), and at the
   * current time, after {@code writtenAtMillis}, when it is true (a load's publish, which finds a
   * record missing only if the store evicted it while the load ran, perhaps with the time of an
   * invalidation made meanwhile: the load's entry is then never served).
   */
  CompletableFuture<Map<String, TagVersion>> versionsOf(Set<String> tags, long writtenAtMillis, boolean loaded) {
    if (tags.isEmpty() || raw) {
      return CompletableFuture.completedFuture(Map.of());
    }
    long createdAt = loaded ? Math.max(ticker.wallMillis(), writtenAtMillis + 1) : writtenAtMillis;
    return guard.call(() -> store.tagVersions(tagKeys(tags), createdAt));
  }

  /** Returns the version of {@code tag} among {@code versions}, as {@link #versionsOf} returned them. */
  long versionIn(Map<String, TagVersion> versions, String tag) {
    return versions.get(keys.tagKey(tag)).version();
  }

  /** Returns the records of {@code tags} as the store holds them now, for {@link #valid}. */
  CompletableFuture<Map<String, byte[]>> records(Set<String> tags) {
    if (tags.isEmpty()) {
      return CompletableFuture.completedFuture(Map.of());
    }
    return guard.call(() -> store.getAll(tagKeys(tags)));
  }

  /**
   * Returns whether each tag of {@code envelope} still has the version it records and the record
   * admits the entry ({@link TagVersion#admits}), by the tag records in {@code records}. An entry with
   * a load time is judged as loaded: a put records none, and a load at least 1 ns.
   */
  boolean valid(Envelope envelope, Map<String, byte[]> records) {
    boolean loaded = envelope.loadNanos() > 0;
    for (Map.Entry<String, Long> recorded : envelope.tagVersions().entrySet()) {
      TagVersion current = TagVersion.fromBytes(records.get(keys.tagKey(recorded.getKey())));
      if (current == null
          || current.version() != recorded.getValue()
          || !current.admits(envelope.writtenAtMillis(), loaded)) {
        return false;
      }
    }
    return true;
  }

  /**
   * Writes {@code bytes} under {@code remoteKey} and adds the key to the sets of {@code entry}'s tags,
   * if the tier keeps tag sets and the entry has tags; returns {@code null} otherwise (the tier
   * writes as usual).
   *
   * @throws IllegalArgumentException if the entry has tags that this tier cannot keep (raw values
   *     without tag sets)
   */
  @Nullable CompletableFuture<Void> putTagged(String remoteKey, byte[] bytes, @Nullable Duration ttl, TierEntry<?> entry) {
    if (entry.tags().isEmpty()) {
      return null;
    }
    TagSetStore tagSets = sets;
    if (tagSets == null) {
      if (raw) {
        throw new IllegalArgumentException(
            "tags " + entry.tags() + " cannot be kept with raw values (" + keys.namespace()
                + "...): configure remoteLayout(r -> r.tagSets(...)) or put without tags");
      }
      return null;
    }
    List<String> setKeys = new ArrayList<>();
    entry.tags().forEach(tag -> setKeys.add(keys.tagSetKey(tag)));
    Duration setTtl = ttl == null ? null : ttl.plus(TAG_SET_GRACE);
    return guard.call(() -> tagSets.putTagged(remoteKey, bytes, ttl, setKeys, setTtl));
  }

  /** Checks that entries with {@code tags} can be written in bulk: never raw ones. */
  void checkBulk(Set<String> tags) {
    if (raw && !tags.isEmpty()) {
      // bulk writes carry no tags today; a raw cache could not record them here
      throw new IllegalArgumentException("cache tier " + keys.namespace() + ": raw values cannot be bulk-written with tags");
    }
  }

  /** Invalidates {@code tag}: a new version, or its set's members and the set. */
  CompletableFuture<Void> invalidate(String tag) {
    TagSetStore tagSets = sets;
    if (tagSets != null) {
      return guard.call(() -> tagSets.deleteTagSet(keys.tagSetKey(tag)));
    }
    if (raw) {
      return CompletableFuture.completedFuture(null); // no raw entry here carries a tag (see putTagged)
    }
    return guard.call(() -> store.newTagVersion(keys.tagKey(tag), ticker.wallMillis()));
  }

  private Collection<String> tagKeys(Set<String> tags) {
    List<String> tagKeys = new ArrayList<>(tags.size());
    tags.forEach(tag -> tagKeys.add(keys.tagKey(tag)));
    return tagKeys;
  }
}
