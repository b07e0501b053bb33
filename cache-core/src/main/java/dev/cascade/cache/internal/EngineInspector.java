package dev.cascade.cache.internal;

import dev.cascade.cache.CacheInspector;
import dev.cascade.cache.CircuitState;
import dev.cascade.cache.spi.LocalTier;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * The {@link CacheInspector} of one engine: reads its counters, its in-process tier and the circuit
 * breakers of its remote tiers (by tier index; {@code null} for tiers without one). Holds no state
 * of its own; thread-safe.
 */
final class EngineInspector implements CacheInspector {
  private final CacheEngine<?, ?> engine;
  private final List<String> tierNames;
  private final @Nullable LocalTier<?, ?> local;
  private final List<@Nullable CircuitBreaker> breakers;
  private final StatsCounter stats;

  EngineInspector(CacheEngine<?, ?> engine, List<String> tierNames, List<@Nullable CircuitBreaker> breakers) {
    this.engine = engine;
    this.tierNames = List.copyOf(tierNames);
    this.local = engine.localTier();
    this.breakers = breakers;
    this.stats = engine.stats;
  }

  @Override
  public String cacheName() {
    return engine.name;
  }

  @Override
  public List<String> tierNames() {
    return tierNames;
  }

  @Override
  public boolean hasLocalTier() {
    return local != null;
  }

  @Override
  public boolean hasRemoteTier() {
    return tierNames.size() > (local == null ? 0 : 1);
  }

  @Override
  public LocalLookups localLookups() {
    return new LocalLookups(stats.localHits.sum(), stats.localMisses.sum(), stats.localFailures.sum());
  }

  @Override
  public long localSize() {
    return local == null ? 0 : local.estimatedSize();
  }

  @Override
  public long localSizeExact() {
    if (local == null) {
      return 0;
    }
    local.cleanUp();
    return local.estimatedSize();
  }

  @Override
  public long localEvictions() {
    return local == null ? 0 : local.evictionCount();
  }

  @Override
  public CircuitState circuitState(int tier) {
    CircuitBreaker breaker = breakers.get(tier);
    return breaker == null ? CircuitState.CLOSED : breaker.state();
  }

  @Override
  public long circuitOpenings(int tier) {
    CircuitBreaker breaker = breakers.get(tier);
    return breaker == null ? 0 : breaker.openings();
  }

  @Override
  public int inFlightLoads() {
    return engine.singleFlight.inFlightCount();
  }

  @Override
  public boolean isClosed() {
    return engine.isClosed();
  }

  @Override
  public String toString() {
    return "CacheInspector[" + engine.name + "]";
  }
}
