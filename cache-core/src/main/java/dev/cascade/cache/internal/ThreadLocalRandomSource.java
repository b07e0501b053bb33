package dev.cascade.cache.internal;

import java.util.concurrent.ThreadLocalRandom;
import java.util.random.RandomGenerator;

/** The default random source of a cache: the calling thread's {@link ThreadLocalRandom}. Thread-safe. */
public enum ThreadLocalRandomSource implements RandomGenerator {
  INSTANCE;

  @Override
  public long nextLong() {
    return ThreadLocalRandom.current().nextLong();
  }

  @Override
  public double nextDouble() {
    return ThreadLocalRandom.current().nextDouble();
  }
}
