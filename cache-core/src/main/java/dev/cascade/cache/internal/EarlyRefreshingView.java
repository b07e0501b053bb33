package dev.cascade.cache.internal;

import dev.cascade.cache.spi.Checks;
import dev.cascade.cache.spi.LocalTier;
import dev.cascade.cache.spi.Tier;
import dev.cascade.cache.spi.TierEntry;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;

/**
 * The blocking view of a cache that refreshes early (XFetch, see {@link Freshness}): an in-process
 * hit of {@code get(key, loader)} may start a background refresh with that loader. A subclass, so
 * that the hit path of every other cache stays as it is. Thread-safe.
 */
final class EarlyRefreshingView<K, V> extends SyncView<K, V> {

  EarlyRefreshingView(
      CacheSettings<K, V> settings,
      @Nullable LocalTier<K, V> local,
      List<Tier<K, V>> remotes,
      StatsCounter stats,
      Events events) {
    super(settings, local, remotes, stats, events);
  }

  @Override
  public @Nullable V get(K key, Function<? super K, ? extends @Nullable V> loader) {
    requireKeyAndLoader(key, loader);
    Object found = lookupLocal(key);
    if (found == null) {
      return loadBlocking(key, null, loader);
    }
    refreshIfDue(key, null, Set.of(), loader);
    return CacheEngine.valueOf(found);
  }

  @Override
  public @Nullable V get(K key, Duration ttl, Function<? super K, ? extends @Nullable V> loader) {
    Checks.requirePositive(ttl, "ttl");
    requireKeyAndLoader(key, loader);
    Object found = lookupLocal(key);
    if (found == null) {
      return loadBlocking(key, EntrySpec.of(ttl, Set.of()), loader);
    }
    refreshIfDue(key, ttl, Set.of(), loader);
    return CacheEngine.valueOf(found);
  }

  @Override
  public @Nullable V get(K key, Set<String> tags, Function<? super K, ? extends @Nullable V> loader) {
    Set<String> checked = Entries.checkTags(tags);
    requireKeyAndLoader(key, loader);
    Object found = lookupLocal(key);
    if (found == null) {
      return loadBlocking(key, EntrySpec.of(null, checked), loader);
    }
    refreshIfDue(key, null, checked, loader); // a refresh adds these tags to its entry's own
    return CacheEngine.valueOf(found);
  }

  /**
   * Starts a refresh with {@code loader}, of an entry with {@code ttl} (null: the default) and
   * {@code tags} plus the refreshed entry's own, if the entry's early refresh is due; allocates
   * nothing if not.
   */
  private void refreshIfDue(
      K key, @Nullable Duration ttl, Set<String> tags, Function<? super K, ? extends @Nullable V> loader) {
    TierEntry<V> due = earlyRefreshDue(key);
    if (due != null) {
      startRefresh(key, EntrySpec.of(ttl, tags), Futures.callInline(loader), due);
    }
  }
}
