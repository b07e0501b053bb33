package dev.cascade.cache.metrics;

import dev.cascade.cache.CacheEventListener;
import dev.cascade.cache.CacheInspector;
import dev.cascade.cache.InvalidationScope;
import dev.cascade.cache.TierOperation;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.Tags;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * The listener behind {@link CacheMetrics#listener}: one per cache, holding one {@link TierMeters}
 * per tier, indexed as the events index tiers. Each event is an adder increment or a timer record;
 * nothing is looked up or allocated per event. Lookups in the in-process tier are not events: its
 * meters read the cache's own exact counts from the inspector. Circuit changes, flushes and loads
 * need no handling here: breaker meters read the inspector, a flush is also reported as an
 * invalidation of scope {@code all}, and loads are cache-level meters ({@link CascadeCacheMetrics}).
 * When the cache closes, the listener removes the meters registered for it ({@link OwnedMeters}):
 * the cache-level ones too, since a binder cannot hear the cache close.
 *
 * <p>Thread-safe: immutable, over thread-safe meters.
 */
final class MeteringListener implements CacheEventListener {
  /**
   * The inspector of the cache whose events reach this listener: it names the cache's meters when
   * the cache closes, and is held so that it lives as long as the cache (the registry holds it
   * weakly). The cache holds this listener, never the registry.
   */
  private final CacheInspector cache;

  private final TierMeters[] tiers;

  private MeteringListener(MeterRegistry registry, Tags tags, CacheInspector cache) {
    this.cache = cache;
    List<String> names = cache.tierNames();
    TierMeters[] meters = new TierMeters[names.size()];
    OwnedMeters.record(
        registry,
        cache,
        owned -> {
          for (int tier = 0; tier < meters.length; tier++) {
            meters[tier] = new TierMeters(registry, tags, cache, tier, owned);
          }
        });
    this.tiers = meters;
  }

  @Override
  public void tierLookups(int tier, int hits, int misses) {
    tiers[tier].lookedUp(hits, misses);
  }

  @Override
  public void tierStored(int tier, int entries) {
    tiers[tier].stored(entries);
  }

  @Override
  public void tierInvalidated(int tier, InvalidationScope scope, int count) {
    tiers[tier].invalidated(scope, count);
  }

  @Override
  public void tierOperation(int tier, TierOperation operation, long nanos, @Nullable Throwable failure) {
    tiers[tier].operated(operation, nanos, failure != null);
  }

  /**
   * Removes the meters registered for this cache: this listener's and those {@link
   * CacheMetrics#monitor} bound, in every registry.
   */
  @Override
  public void closed() {
    OwnedMeters.closed(cache);
  }

  /** Creates a {@link MeteringListener} for each cache it is given to. Immutable and thread-safe. */
  static final class Factory implements CacheEventListener.Factory {
    private final MeterRegistry registry;
    private final Tags tags;

    Factory(MeterRegistry registry, Iterable<Tag> tags) {
      this.registry = registry;
      this.tags = Tags.of(tags);
    }

    @Override
    public CacheEventListener create(CacheInspector cache) {
      return new MeteringListener(registry, tags, cache);
    }

    @Override
    public String toString() {
      return "CacheMetrics.listener" + tags;
    }
  }
}
