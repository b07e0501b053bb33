package dev.cascade.cache.internal;

import dev.cascade.cache.Cache;
import dev.cascade.cache.CacheEventListener;
import dev.cascade.cache.spi.LocalTier;
import dev.cascade.cache.spi.RemoteStore;
import dev.cascade.cache.spi.Tier;
import dev.cascade.cache.spi.TierDecorator;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * The one way from a builder's settings to a cache: builds the remote tiers (key and value codecs,
 * envelope, circuit breaker, events) around the stores, applies the tier decorators, builds the
 * engine and its inspector, creates the listeners, starts listening to other instances and returns
 * the blocking view. Stateless.
 */
public final class CacheFactory {
  private CacheFactory() {}

  /** Returns the cache {@code settings} describe. */
  public static <K, V> Cache<K, V> create(CacheSettings<K, V> settings) {
    String name = settings.name();
    StatsCounter stats = new StatsCounter();
    Events events = new Events();
    List<String> tierNames = new ArrayList<>();
    List<@Nullable CircuitBreaker> breakers = new ArrayList<>();
    List<Runnable> closeHooks = new ArrayList<>();

    LocalTier<K, V> local = settings.local();
    LayoutSettings layout = settings.layout();
    if (local != null && layout != null && layout.tagSetLiteral() != null) {
      local = new TagSetLocalTier<>(local);
    }
    if (local != null) {
      for (TierDecorator decorator : settings.decorators()) {
        local = decorator.decorateLocal(name, local);
      }
      tierNames.add(local.name());
      breakers.add(null);
    }
    // a refresh, and a miss of an expired entry kept for stale serving, ask for the lease on a key
    // that holds a value
    boolean leasesOverValues = CacheEngine.freshness(settings).active();
    List<Tier<K, V>> remotes = new ArrayList<>();
    List<RemoteStore> stores = settings.stores();
    for (int i = 0; i < stores.size(); i++) {
      RemoteStore store = stores.get(i);
      int index = tierNames.size();
      String tierName = "l" + (index + 1);
      CircuitBreaker breaker =
          CircuitBreakers.forDomain(
              store.failureDomain(), settings.breakerThreshold(), settings.breakerOpenDuration(), settings.ticker());
      String namespace =
          layout == null || layout.keyLiteral() == null ? settings.keyPrefix() + ":" + name + ":" : layout.keyLiteral();
      RemoteKeys<K> keys =
          new RemoteKeys<>(namespace, layout == null ? null : layout.tagSetLiteral(), settings.keyCodec(), store.capabilities());
      try {
        closeHooks.add(Namespaces.claim(store.failureDomain(), keys.namespace(), Namespaces.Use.KEYS, name));
        String tagSetLiteral = layout == null ? null : layout.tagSetLiteral();
        if (tagSetLiteral != null) {
          closeHooks.add(Namespaces.claim(store.failureDomain(), tagSetLiteral, Namespaces.Use.TAG_SETS, name));
        }
      } catch (IllegalStateException overlap) {
        closeHooks.forEach(Runnable::run); // release what this cache claimed on its other stores
        throw overlap;
      }
      Tier<K, V> tier =
          new RemoteTier<>(
              tierName,
              index,
              store,
              keys,
              Objects.requireNonNull(settings.valueCodec(), "valueCodec"),
              settings.ticker(),
              i == stores.size() - 1 ? settings.stampedeLock() : null,
              stats,
              events,
              breaker,
              settings.expireAfterAccess(),
              leasesOverValues,
              layout != null && layout.raw()
                  ? new RawValues(layout.nullMarker(), settings.ttl(), settings.nullTtl())
                  : null,
              layout != null && layout.tagSetLiteral() != null);
      for (TierDecorator decorator : settings.decorators()) {
        tier = decorator.decorate(name, tier);
      }
      remotes.add(tier);
      tierNames.add(tierName);
      breakers.add(breaker);
    }

    SyncView<K, V> engine =
        settings.earlyRefreshBeta() > 0
            ? new EarlyRefreshingView<>(settings, local, remotes, stats, events)
            : new SyncView<>(settings, local, remotes, stats, events);
    for (int tier = 0; tier < breakers.size(); tier++) {
      CircuitBreaker breaker = breakers.get(tier);
      if (breaker != null) {
        engine.onClose(CircuitBreakers.subscribe(breaker, engine, tier));
      }
    }
    closeHooks.forEach(engine::onClose);
    EngineInspector inspector = new EngineInspector(engine, tierNames, breakers);
    List<CacheEventListener> listeners = new ArrayList<>();
    for (CacheEventListener.Factory factory : settings.listeners()) {
      listeners.add(Objects.requireNonNull(factory.create(inspector), "an event listener factory returned null"));
    }
    events.setListeners(listeners);
    engine.start();
    engine.inspector(inspector);
    return engine;
  }
}
