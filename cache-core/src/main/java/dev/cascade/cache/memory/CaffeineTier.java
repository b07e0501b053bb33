package dev.cascade.cache.memory;

import com.github.benmanes.caffeine.cache.Caffeine;
import dev.cascade.cache.Ticker;
import dev.cascade.cache.spi.Checks;
import dev.cascade.cache.spi.KeyCodec;
import dev.cascade.cache.spi.LocalTier;
import dev.cascade.cache.spi.TierEntry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.BooleanSupplier;
import java.util.function.ToIntBiFunction;
import org.jspecify.annotations.Nullable;

/**
 * The in-process tier on Caffeine: typed keys and values, no serialization, per-entry expiry taken
 * from each entry's logical expiry and capped by the tier's own maximum lifetime (optionally
 * sliding: see {@link CaffeineTierBuilder#expireAfterAccess} and {@link
 * CaffeineTierBuilder#slidingCopies}), and a tag index.
 * A hit through {@link #getValueIfPresent} (the cache's hit path) is one Caffeine lookup; nothing
 * is allocated for it.
 *
 * <p>Parts, each in its own class: {@code StoredForms} (Caffeine holds the bare value of a plain
 * entry, so that a hit reads no holder object, else the {@link TierEntry}), {@code EntryExpiry}
 * (Caffeine's per-entry expiry), {@code TagIndex} and {@code KeyAliases} (the indexes). This class
 * owns the hit path and keeps the indexes in step with what Caffeine holds.
 *
 * <p>Thread-safe. Invariant of the tag index: for every tag, the index maps each key to the very
 * entry object that carries the tag and is (or was, until its removal or replacement is being
 * processed) stored under that key. Every path that removes or replaces an entry (our computes,
 * the plain put of an untagged entry, Caffeine's evictions) unlinks exactly that object, so the
 * index never holds more entries than the cache, apart from replaced entries for the moment before
 * their unlink, and never loses one that the cache still holds. Writers store a new entry object
 * per write (as the cache does), so an unlink never removes a link made for a later write. The
 * optional alias index (encoded key to key) is maintained only under the key's lock (computes),
 * with the same bound.
 */
public final class CaffeineTier<K, V> implements LocalTier<K, V> {
  private final String name;
  /** Values are bare values of plain entries or {@link TierEntry} objects (see {@code StoredForms}). */
  private final com.github.benmanes.caffeine.cache.Cache<K, Object> cache;
  private final Map<K, Object> map;
  private final TagIndex<K> tags = new TagIndex<>();
  private final LongAdder evictions = new LongAdder();
  private final @Nullable KeyAliases<K> aliases;
  private final long maxSize;
  /** The weigher of a weight-bounded tier, else null. */
  private final @Nullable ToIntBiFunction<? super K, ? super V> weigher;
  private final Ticker ticker;
  private final boolean expiryOnRead;
  /**
   * Whether this tier has ever stored a holder ({@link TierEntry}). Set, and never cleared, before
   * the first holder is stored; Caffeine publishes a value with a release write and reads it with
   * an acquire read, so a lookup that read a holder and then reads this flag sees it set. While it
   * is clear, a hit returns what Caffeine answered without the holder check, which reads the value
   * object's header: one memory access to a random object per hit when keys are read uniformly.
   */
  private boolean holdersStored;

  CaffeineTier(CaffeineTierBuilder<K, V> builder) {
    this.name = builder.name;
    this.aliases = builder.aliasCodec == null ? null : new KeyAliases<>(builder.aliasCodec);
    Ticker ticker = builder.ticker;
    long lifetimeNanos = EntryExpiry.lifetimeNanos(builder.maxLifetime);
    this.ticker = ticker;
    Caffeine<Object, Object> caffeine = Caffeine.newBuilder();
    if (builder.executor != null) {
      caffeine.executor(builder.executor);
    }
    this.weigher = builder.maximumSize < 0 && builder.maximumWeight >= 0 ? Objects.requireNonNull(builder.weigher) : null;
    if (builder.maximumSize >= 0) {
      caffeine.maximumSize(builder.maximumSize);
      this.maxSize = builder.maximumSize;
    } else if (weigher != null) {
      ToIntBiFunction<? super K, ? super V> bound = weigher;
      caffeine.maximumWeight(builder.maximumWeight);
      caffeine.weigher((Object key, Object entry) -> StoredForms.weigh(bound, key, entry));
      this.maxSize = -1;
    } else {
      this.maxSize = -1;
    }
    Caffeine<K, Object> typed =
        caffeine.<K, Object>evictionListener(
            (key, stored, cause) -> {
              if (key != null && stored != null) {
                unlinkTags(key, stored);
              }
              if (cause.wasEvicted()) {
                evictions.increment();
              }
            });
    // Caffeine's variable expiry reads the clock on every hit and costs several times a plain
    // lookup. A tier whose entries rarely expire checks expiry itself, on read, and only for the
    // entries that carry one.
    this.expiryOnRead =
        !builder.expiringEntries && builder.maxLifetime == null && builder.slideNanos < 0 && !builder.slidingCopies;
    if (!expiryOnRead) {
      typed.ticker(ticker::read).expireAfter(new EntryExpiry<K>(ticker, lifetimeNanos, builder.slideNanos, builder.slidingCopies));
    }
    this.cache = typed.build();
    this.map = cache.asMap();
  }

  /** Returns a builder of a tier named {@code name} (such as {@code l1}). */
  public static <K, V> CaffeineTierBuilder<K, V> builder(String name) {
    return new CaffeineTierBuilder<>(name);
  }

  @Override
  public String name() {
    return name;
  }

  /**
   * The cache's hit path. Split in 16-byte methods so that C1 inlines it where the cache's
   * lookup calls it, four calls below the caller: C1 refused a 27- and a 32-byte version there
   * ("callee is too large"), and the call it left made C2 compile this method on its own, with
   * Caffeine's lookup inlined, into code too big for C2 to inline later (docs/benchmarks.md).
   */
  @Override
  public @Nullable Object getValueIfPresent(K key) {
    // Caffeine's map view is its cache itself (its manual cache is a wrapper of it): one load
    // fewer than cache.getIfPresent before the lookup starts, with the same read recorded for the
    // eviction policy.
    return unwrapped(key, map.get(key));
  }

  /**
   * What {@link #getValueIfPresent} answers for {@code stored}, this tier's value for {@code key}.
   * Reads {@link #holdersStored} after Caffeine's read of {@code stored}, as that field requires.
   */
  private @Nullable Object unwrapped(K key, @Nullable Object stored) {
    if (holdersStored) {
      return valueOrHeld(key, stored);
    }
    return stored;
  }

  /** {@link #unwrapped} for a tier that holds holders: the holder's value, or the bare value. */
  private @Nullable Object valueOrHeld(K key, @Nullable Object stored) {
    if (stored instanceof TierEntry) {
      return heldValue(key, stored);
    }
    return stored;
  }

  /** What Caffeine is to store for {@code entry} (see {@code StoredForms}); marks a holder first. */
  private Object storedForm(TierEntry<V> entry) {
    Object stored = StoredForms.of(entry);
    if (stored instanceof TierEntry && !holdersStored) {
      holdersStored = true;
    }
    return stored;
  }

  /**
   * {@link #getValueIfPresent} for an entry stored with its holder ({@code stored} is a {@link
   * TierEntry}): when this tier checks expiry on read and the entry has expired, removes it
   * (unless it was replaced meanwhile) and returns {@code null}.
   */
  private @Nullable Object heldValue(K key, Object stored) {
    TierEntry<?> entry = (TierEntry<?>) stored;
    if (expiryOnRead
        && entry.expiresAtMillis() != TierEntry.NO_EXPIRY
        && entry.expiresAtMillis() <= ticker.wallMillis()) {
      removeIfStill(key, entry);
      return null;
    }
    Object value = entry.value();
    return value == null ? CACHED_NULL : value;
  }

  @Override
  @SuppressWarnings("unchecked")
  public @Nullable TierEntry<V> getIfPresent(K key) {
    Object stored = cache.getIfPresent(key);
    if (stored == null) {
      return null;
    }
    if (!(stored instanceof TierEntry<?> entry)) {
      return StoredForms.plainEntry(stored);
    }
    return heldValue(key, entry) == null ? null : (TierEntry<V>) entry;
  }

  @Override
  public void cleanUp() {
    cache.cleanUp();
  }

  @Override
  public void putLocal(K key, TierEntry<V> entry) {
    Object stored = storedForm(entry);
    if ((aliases != null && aliases.needsIndexEntry(key)) || StoredForms.hasTags(stored)) {
      putStoredIf(key, stored, () -> true);
      return;
    }
    // Nothing to link for the new entry, so no need to replace under the key's lock: a plain put
    // (Caffeine's compute allocates about four times as much per insert). The replaced entry's tags
    // are unlinked afterwards: until then the index still links an entry the cache no longer holds,
    // which an invalidation of that tag skips (it removes only entries that are still the same
    // object). Unlinking removes only that entry object's own links, and linking and dropping an
    // emptied member map both happen under the tag's lock, so a concurrent write that linked a
    // newer entry keeps its links.
    Object old = map.put(key, stored);
    if (old != null) {
      unlinkTags(key, old);
    }
  }

  @Override
  public boolean putLocalIf(K key, TierEntry<V> entry, BooleanSupplier stillCurrent) {
    return putStoredIf(key, storedForm(entry), stillCurrent);
  }

  /** {@link #putLocalIf} for the object this tier stores for the entry (see {@code StoredForms}). */
  private boolean putStoredIf(K key, Object stored, BooleanSupplier stillCurrent) {
    if (weigher != null) {
      // Caffeine weighs after our remapping function has relinked the index: a weigher that throws
      // must throw before anything is relinked.
      StoredForms.weigh(weigher, key, stored);
    }
    boolean[] done = {false};
    try {
      map.compute(
          key,
          (k, old) -> {
            if (!stillCurrent.getAsBoolean()) {
              return old == null ? null : unchanged(old);
            }
            if (old != null) {
              unlinkTags(k, old);
            }
            linkTags(k, stored);
            done[0] = true;
            return stored;
          });
    } finally {
      forgetUnchanged();
    }
    return done[0];
  }

  /**
   * What a remapping function returns to leave {@code current} in place as it is: with Caffeine's
   * variable expiry, marked so that its expiry does not move (see {@code EntryExpiry.kept}).
   */
  private Object unchanged(Object current) {
    return expiryOnRead ? current : EntryExpiry.kept(current);
  }

  /** Clears the mark {@link #unchanged} may have left when Caffeine did not consume it (a weigher threw). */
  private void forgetUnchanged() {
    if (!expiryOnRead) {
      EntryExpiry.forgetKept();
    }
  }

  /**
   * Removes {@code key} under its lock, unlinking its tags and alias, only while it holds the very
   * object {@code stored}; a newer entry stays as it is, its expiry included. Returns whether it
   * removed.
   */
  private boolean removeIfStill(K key, Object stored) {
    boolean[] removed = {false};
    try {
      map.computeIfPresent(
          key,
          (k, current) -> {
            if (current != stored) {
              return unchanged(current);
            }
            unlinkTags(k, current);
            removed[0] = true;
            return null;
          });
    } finally {
      forgetUnchanged();
    }
    return removed[0];
  }

  @Override
  public void invalidateLocal(K key) {
    map.computeIfPresent(
        key,
        (k, old) -> {
          unlinkTags(k, old);
          return null;
        });
  }

  /**
   * {@inheritDoc}
   *
   * <p>Compares what Caffeine holds with the form this tier stored for {@code entry} (see {@code
   * StoredForms}): the entry object itself, or for a plain entry its bare value object, so a later
   * store of that same value object counts as this one. The key is read quietly first (no read is
   * recorded, no expiry moved), and removed under its lock only if it still holds that object,
   * unlinking its tags and alias as {@link #invalidateLocal} does: a remap that keeps a newer entry
   * would make Caffeine compute that entry's expiry again.
   */
  @Override
  public boolean invalidateEntryLocal(K key, TierEntry<V> entry) {
    Object stored = StoredForms.of(entry);
    if (cache.policy().getIfPresentQuietly(key) != stored) {
      return false;
    }
    return removeIfStill(key, stored);
  }

  @Override
  public void invalidateAllLocal() {
    for (K key : new ArrayList<>(map.keySet())) {
      invalidateLocal(key);
    }
  }

  @Override
  public void invalidateTagLocal(String tag) {
    Map<K, Object> members = tags.remove(tag);
    if (members == null) {
      return;
    }
    members.forEach(this::removeIfStill); // an entry replaced after the index was read stays
  }

  @Override
  public long estimatedSize() {
    return cache.estimatedSize();
  }

  @Override
  public long evictionCount() {
    return evictions.sum();
  }

  /** Returns the maximum number of entries, or {@code -1} when bounded by weight or unbounded. */
  public long maximumSize() {
    return maxSize;
  }

  /** Returns the number of tags that currently have at least one entry; bounded by the entries. */
  public int indexedTagCount() {
    return tags.size();
  }

  @Override
  public void invalidateAliasLocal(String alias) {
    Object key = aliases == null ? null : aliases.keyOf(alias);
    if (key != null) {
      @SuppressWarnings("unchecked") // a key of another type equals none held: nothing is removed
      K held = (K) key;
      invalidateLocal(held);
    }
  }

  /** How many keys the alias index holds: those whose aliases the key codec does not read back. */
  int indexedAliasCount() {
    return aliases == null ? 0 : aliases.indexed();
  }

  /** Indexes {@code stored} (a bare value or a {@code TierEntry}) under its alias and tags. */
  private void linkTags(K key, Object stored) {
    if (aliases != null) {
      aliases.add(key);
    }
    if (stored instanceof TierEntry<?> entry) {
      tags.link(key, entry);
    }
  }

  /** Undoes {@link #linkTags} for exactly {@code stored}. */
  private void unlinkTags(K key, Object stored) {
    if (aliases != null) {
      aliases.remove(key);
    }
    if (stored instanceof TierEntry<?> entry) {
      tags.unlink(key, entry);
    }
  }
}
