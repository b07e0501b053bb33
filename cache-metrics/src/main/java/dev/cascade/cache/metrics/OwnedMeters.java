package dev.cascade.cache.metrics;

import dev.cascade.cache.CacheInspector;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import java.lang.ref.WeakReference;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;

/**
 * The meters this module registered, by cache and registry, so that a closed cache's meters can be
 * removed, exactly those: Micrometer keeps the first meter registered under an id, so a meter left
 * behind by a closed cache would answer for the next cache of that name, and the meters of
 * per-tenant caches would only grow.
 *
 * <p>A meter is recorded for a cache unless another binding recorded it first: when the registry
 * already held a meter under that id, it returned that one, which stays its first owner's. A meter
 * of the same id that something other than this module registered (Micrometer's own binder of a
 * cache with the same name) cannot be told from a new one, and is recorded. Meters are removed when the cache's metrics listener hears that it
 * closed ({@link #closed}), and otherwise before the next binding of any cache ({@link #sweep}): a
 * cache that was closed, or collected without being closed, gives its meters up then. Caches are held
 * weakly, through their inspector, which lives as long as the cache.
 *
 * <p>Invariants, under {@link #LOCK}: {@link #OWNED} holds exactly the meters of the bindings in
 * {@link #BINDINGS}, and each of those meters is in its registry until the binding is dropped.
 * Thread-safe: every method takes the lock; registries are called under it (Micrometer calls
 * nothing of this class back).
 */
final class OwnedMeters {
  private static final ReentrantLock LOCK = new ReentrantLock();
  private static final List<Binding> BINDINGS = new ArrayList<>();
  private static final Set<Meter> OWNED = Collections.newSetFromMap(new IdentityHashMap<>());

  private OwnedMeters() {}

  /** Collects the meters one binding registered. */
  interface Recorder {
    /** Records {@code meter} as the binding's, unless another binding already owns it. */
    void keep(Meter meter);
  }

  /** The meters one binding of one cache registered in one registry. Guarded by {@link #LOCK}. */
  private static final class Binding implements Recorder {
    final MeterRegistry registry;
    final WeakReference<CacheInspector> cache;
    final List<Meter> meters = new ArrayList<>();

    Binding(MeterRegistry registry, CacheInspector cache) {
      this.registry = registry;
      this.cache = new WeakReference<>(cache);
    }

    @Override
    public void keep(Meter meter) {
      if (OWNED.add(meter)) {
        meters.add(meter);
      }
    }

    void remove() {
      for (Meter meter : meters) {
        registry.remove(meter);
        OWNED.remove(meter);
      }
      meters.clear();
    }
  }

  /**
   * Runs {@code registration}, which registers the meters of {@code cache} in {@code registry} and
   * gives each to the recorder, after {@link #sweep} and under the lock, and records the meters that
   * registration created. If the cache is closed when registration ends, its meters are removed at
   * once; if registration throws, the meters it created are removed and the exception rethrown.
   */
  static void record(MeterRegistry registry, CacheInspector cache, Consumer<Recorder> registration) {
    LOCK.lock();
    try {
      sweepLocked();
      Binding binding = new Binding(registry, cache);
      try {
        registration.accept(binding);
      } catch (RuntimeException | Error e) {
        binding.remove();
        throw e;
      }
      // a close that came before this binding was recorded has not removed its meters
      if (cache.isClosed()) {
        binding.remove();
      } else {
        BINDINGS.add(binding);
      }
    } finally {
      LOCK.unlock();
    }
  }

  /** Removes the meters of every binding of {@code cache}, in every registry. */
  static void closed(CacheInspector cache) {
    LOCK.lock();
    try {
      for (Iterator<Binding> bindings = BINDINGS.iterator(); bindings.hasNext(); ) {
        Binding binding = bindings.next();
        CacheInspector bound = binding.cache.get();
        if (bound == null || bound == cache) {
          binding.remove();
          bindings.remove();
        }
      }
    } finally {
      LOCK.unlock();
    }
  }

  /** Removes the meters of every cache that was closed or collected. */
  static void sweep() {
    LOCK.lock();
    try {
      sweepLocked();
    } finally {
      LOCK.unlock();
    }
  }

  private static void sweepLocked() {
    for (Iterator<Binding> bindings = BINDINGS.iterator(); bindings.hasNext(); ) {
      Binding binding = bindings.next();
      CacheInspector bound = binding.cache.get();
      if (bound == null || bound.isClosed()) {
        binding.remove();
        bindings.remove();
      }
    }
  }
}
