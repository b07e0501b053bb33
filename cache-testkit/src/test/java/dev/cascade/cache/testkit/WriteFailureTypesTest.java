package dev.cascade.cache.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cascade.cache.Cache;
import dev.cascade.cache.CacheException;
import dev.cascade.cache.CacheTimeoutException;
import dev.cascade.cache.CacheUnavailableException;
import dev.cascade.cache.codec.StringCodec;
import dev.cascade.cache.memory.InMemoryRemoteStore;
import java.time.Duration;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.Test;

/** A failed remote write reaches the caller as the exception type that says what happened. */
class WriteFailureTypesTest {
  private final FakeTicker ticker = new FakeTicker();
  private final FlakyRemoteStore store = new FlakyRemoteStore(InMemoryRemoteStore.create(ticker));
  private final Cache<String, String> cache =
      Cache.<String, String>builder("failure-types")
          .inMemory(m -> m.maximumSize(100))
          .tier(store)
          .valueCodec(StringCodec.create())
          .ticker(ticker)
          .circuitBreaker(2, Duration.ofSeconds(5))
          .build();

  @Test
  void put_storeTimesOut_throwsCacheTimeoutException_andDropsTheLocalCopy() {
    cache.put("k", "old");
    store.down(true);
    store.failWith(() -> new CacheException("store timed out", new TimeoutException()));

    assertThatThrownBy(() -> cache.put("k", "new"))
        .isInstanceOf(CacheTimeoutException.class)
        .hasMessageContaining("put of key k")
        .hasMessageContaining("timed out");
    store.down(false);
    assertThat(cache.inspect().localSize()).isZero();
  }

  @Test
  void invalidate_breakerOpen_throwsCacheUnavailableException() {
    store.down(true);
    for (int i = 0; i < 2; i++) { // two failures open the breaker
      assertThatThrownBy(() -> cache.invalidate("k")).isInstanceOf(CacheException.class);
    }

    assertThatThrownBy(() -> cache.invalidate("k"))
        .isInstanceOf(CacheUnavailableException.class)
        .hasMessageContaining("invalidation of key k")
        .hasMessageContaining("circuit breaker of tier 'l2' is open");
  }

  @Test
  void put_otherStoreFailure_throwsPlainCacheException_namingTheTier() {
    store.down(true);

    assertThatThrownBy(() -> cache.put("k", "v"))
        .isExactlyInstanceOf(CacheException.class)
        .hasMessageContaining("failed on tier 'l2'")
        .hasRootCauseMessage("store is down");
  }

  @Test
  void asyncPut_storeTimesOut_failsTheFutureWithCacheTimeoutException() {
    store.down(true);
    store.failWith(TimeoutException::new);

    assertThat(cache.async().put("k", "v"))
        .failsWithin(Duration.ofSeconds(5))
        .withThrowableOfType(java.util.concurrent.ExecutionException.class)
        .withCauseInstanceOf(CacheTimeoutException.class);
  }
}
