package dev.cascade.examples;

import dev.cascade.cache.internal.CacheFactory;

/** A deliberate violation, to show the architecture rule fails the build; removed after. */
final class InternalFixture {
  static Class<?> engine() {
    return CacheFactory.class;
  }
}
