package dev.cascade.cache.internal;

import dev.cascade.cache.InvalidationScope;
import dev.cascade.cache.TierOperation;
import dev.cascade.cache.spi.LocalTier;
import dev.cascade.cache.spi.TierEntry;
import java.util.function.BooleanSupplier;
import org.jspecify.annotations.Nullable;

/**
 * Every change the engine makes to its in-process tier (tier 0), each reported as an event: stores,
 * conditional fills and the invalidations of this instance and of others. A failed change is
 * reported and rethrown. Lookups are not here: they are the cache's hit path. Does nothing for a
 * cache without an in-process tier. Each method is written out rather than passed as a lambda to
 * one helper, so that a put allocates nothing for it. Thread-safe as the tier is.
 */
final class LocalWrites<K, V> {
  private final @Nullable LocalTier<K, V> local;
  private final Events events;

  LocalWrites(@Nullable LocalTier<K, V> local, Events events) {
    this.local = local;
    this.events = events;
  }

  boolean present() {
    return local != null;
  }

  /** Returns the live entry of {@code key} without counting a lookup: the engine's second look. */
  @Nullable TierEntry<V> peek(K key) {
    return local == null ? null : local.peek(key);
  }

  void put(K key, TierEntry<V> entry) {
    if (local != null) {
      try {
        local.putLocal(key, entry);
      } catch (RuntimeException e) {
        throw failed(TierOperation.PUT, e);
      }
      events.tierStored(0, 1);
    }
  }

  /** Stores {@code entry} unless {@code stillCurrent} says otherwise under the key's lock. */
  boolean putIf(K key, TierEntry<V> entry, BooleanSupplier stillCurrent) {
    if (local == null) {
      return true;
    }
    boolean stored;
    try {
      stored = local.putLocalIf(key, entry, stillCurrent);
    } catch (RuntimeException e) {
      throw failed(TierOperation.PUT, e);
    }
    if (stored) {
      events.tierStored(0, 1);
    }
    return stored;
  }

  /**
   * A fill of the in-process tier (a remote value read on a miss, or a loaded value): stores {@code
   * entry} unless {@code stillCurrent} says otherwise under the key's lock, then, once the entry is
   * stored and visible, asks {@code stillKept} and, if it answers {@code false}, removes the entry
   * again, but only if the key still holds this very entry ({@link LocalTier#invalidateEntryLocal}):
   * an invalidation that drops entries without their keys' locks may have run between the check and
   * the moment the entry became visible, and a value stored after it (a put's) must stay.
   *
   * @return whether the entry was stored and kept
   */
  boolean fillIf(K key, TierEntry<V> entry, BooleanSupplier stillCurrent, BooleanSupplier stillKept) {
    if (local == null) {
      return true;
    }
    if (!putIf(key, entry, stillCurrent)) {
      return false;
    }
    if (stillKept.getAsBoolean()) {
      return true;
    }
    invalidateEntry(key, entry);
    return false;
  }

  /**
   * Drops {@code key}'s in-process entry only while it is the one stored for {@code entry} (see
   * {@link LocalTier#invalidateEntryLocal}): a newer entry stored meanwhile stays.
   */
  void invalidateEntry(K key, TierEntry<V> entry) {
    if (local == null) {
      return;
    }
    boolean removed;
    try {
      removed = local.invalidateEntryLocal(key, entry);
    } catch (RuntimeException e) {
      throw failed(TierOperation.INVALIDATE, e);
    }
    if (removed) {
      events.tierInvalidated(0, InvalidationScope.KEY, 1);
    }
  }

  void invalidate(K key) {
    if (local != null) {
      try {
        local.invalidateLocal(key);
      } catch (RuntimeException e) {
        throw failed(TierOperation.INVALIDATE, e);
      }
      events.tierInvalidated(0, InvalidationScope.KEY, 1);
    }
  }

  /** Drops the entry another instance named by its encoded key. */
  void invalidateAlias(String alias) {
    if (local != null) {
      try {
        local.invalidateAliasLocal(alias);
      } catch (RuntimeException e) {
        throw failed(TierOperation.INVALIDATE, e);
      }
      events.tierInvalidated(0, InvalidationScope.KEY, 1);
    }
  }

  void invalidateAll() {
    if (local != null) {
      try {
        local.invalidateAllLocal();
      } catch (RuntimeException e) {
        throw failed(TierOperation.INVALIDATE_ALL, e);
      }
      events.tierInvalidated(0, InvalidationScope.ALL, 1);
    }
  }

  void invalidateTag(String tag) {
    if (local != null) {
      try {
        local.invalidateTagLocal(tag);
      } catch (RuntimeException e) {
        throw failed(TierOperation.INVALIDATE_TAG, e);
      }
      events.tierInvalidated(0, InvalidationScope.TAG, 1);
    }
  }

  private RuntimeException failed(TierOperation operation, RuntimeException error) {
    events.tierOperation(0, operation, 0, error);
    return error;
  }
}
