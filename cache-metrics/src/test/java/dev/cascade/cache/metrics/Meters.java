package dev.cascade.cache.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

/** Reads meters of a registry in tests, whatever kind of counter registered them. */
final class Meters {
  private final MeterRegistry registry;

  Meters(MeterRegistry registry) {
    this.registry = registry;
  }

  /** Returns the count of counter {@code name} with tags {@code keyValues} (one must exist). */
  long count(String name, String... keyValues) {
    Meter meter = registry.get(name).tags(keyValues).meter();
    if (meter instanceof Counter counter) {
      return (long) counter.count();
    }
    if (meter instanceof FunctionCounter counter) {
      return (long) counter.count();
    }
    if (meter instanceof Timer timer) {
      return timer.count();
    }
    throw new AssertionError(name + " is a " + meter.getClass().getSimpleName() + ", not a counter");
  }

  /** Returns the value of gauge {@code name} with tags {@code keyValues}. */
  double gauge(String name, String... keyValues) {
    return registry.get(name).tags(keyValues).gauge().value();
  }
}
