package dev.cascade.cache.testkit;


import dev.cascade.cache.Cache;
import dev.cascade.cache.CacheBuilder;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import org.junit.jupiter.api.AfterEach;
/**
 * What every contract class shares: the backend's builder, the injected ticker, the flavour of the
 * API under test and the caches built for a test (closed after it). Extend {@link CacheContract},
 * which runs every part of the contract; this class holds no tests.
 */
public abstract class ContractBase {

  /** The time of every cache the contract builds; advance it instead of sleeping. */
  protected final FakeTicker ticker = new FakeTicker();

  private final List<Cache<?, ?>> built = new ArrayList<>();
  private final String run = UUID.randomUUID().toString().substring(0, 8);

  /**
   * Returns a builder of a cache named {@code name} over the backend's tiers, with {@link #ticker}
   * and a {@code String} value codec set; the contract adds TTLs and other options.
   */
  protected abstract CacheBuilder<String, String> newBuilder(String name);

  /** Whether to exercise the asynchronous API (through {@link AsyncBackedCache}). */
  protected boolean viaAsync() {
    return false;
  }

  /** Builds {@code builder} and wraps it for the API flavour under test. */
  protected final Cache<String, String> build(CacheBuilder<String, String> builder) {
    Cache<String, String> cache = builder.build();
    built.add(cache);
    return viaAsync() ? new AsyncBackedCache<>(cache.async()) : cache;
  }

  /** Returns a cache name unique to this test run, so runs on a shared server never meet. */
  protected final String name(String base) {
    return base + "-" + run;
  }

  /** Returns a cache of the backend under test, named for the contract. */
  protected final Cache<String, String> cache() {
    return build(newBuilder(name("contract")));
  }

  @AfterEach
  final void closeCaches() {
    built.forEach(Cache::close);
  }

  /** Returns a loader that counts its calls in {@code calls}. */
  protected static Function<String, String> counting(AtomicInteger calls) {
    return key -> {
      calls.incrementAndGet();
      return "value-of-" + key;
    };
  }
}
