package dev.cascade.examples;

import dev.cascade.cache.internal.CacheSettings;

/** A deliberate violation in a test fixture; removed after the demonstration. */
final class InternalTestFixture {
  static Class<?> settings() {
    return CacheSettings.class;
  }
}
