package dev.cascade.cache.redis;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cascade.cache.Cache;
import dev.cascade.cache.CacheEventListener;
import dev.cascade.cache.CacheTimeoutException;
import dev.cascade.cache.CircuitState;
import dev.cascade.cache.TierOperation;
import dev.cascade.cache.codec.StringCodec;
import dev.cascade.cache.testkit.RedisServerExtension;
import io.lettuce.core.RedisClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * One timeout per dead server, not per cache: twenty caches on one {@link RedisBackend} share the
 * backend's circuit breaker, and a timeout makes it probe at once, so a SIGSTOPped server costs one
 * command timeout plus the probe's in all, where a breaker per cache that counted timeouts to its
 * threshold cost 60.
 */
class SharedBreakerIT {
  @RegisterExtension static final RedisServerExtension redis = RedisServerExtension.standalone();

  private static final int CACHES = 20;

  private final List<Cache<String, String>> caches = new ArrayList<>();
  private @Nullable RedisBackend backend;
  private @Nullable RedisClient client;

  @AfterEach
  void close() {
    caches.forEach(Cache::close);
    if (backend != null) {
      backend.close();
    }
    if (client != null) {
      client.shutdown();
    }
    if (!redis.process(0).isAlive()) {
      redis.process(0).restart();
    }
  }

  @Test
  void pausedServer_twentyCaches_payOneTimeoutPlusTheProbeInAll() {
    client = RedisClient.create(redis.uri());
    // The relaxed 2 s, not 300 ms: a warm-up put that timed out on a busy machine would throw, and
    // add a timeout and a probe to the exact counts. The paused phase proves the same at any timeout.
    backend = RedisBackend.builder(client).commandTimeout(RedisTests.RELAXED_TIMEOUT).build();
    AtomicInteger timeouts = new AtomicInteger();
    AtomicInteger probes = new AtomicInteger();
    for (int i = 0; i < CACHES; i++) {
      boolean first = i == 0; // every cache hears the shared breaker's changes: count them once
      CacheEventListener.Factory count =
          inspector ->
              new CacheEventListener() {
                @Override
                public void tierOperation(int tier, TierOperation operation, long nanos, @Nullable Throwable failure) {
                  if (failure instanceof CacheTimeoutException) {
                    timeouts.incrementAndGet();
                  }
                }

                @Override
                public void circuitChanged(int tier, CircuitState state) {
                  if (first && state == CircuitState.HALF_OPEN) {
                    probes.incrementAndGet();
                  }
                }
              };
      caches.add(
          Cache.<String, String>builder("shared-breaker-" + i)
              .inMemory(m -> m.maximumSize(100))
              .tier(backend.store())
              .valueCodec(StringCodec.create())
              // the default threshold (3 failures for errors that come back at once); a long open
              // duration so that no second probe falls within the test
              .circuitBreaker(3, Duration.ofMinutes(1))
              .eventListener(count)
              .build());
    }
    caches.forEach(cache -> cache.put("warm", "w")); // every cache has used the connection

    redis.process(0).pause();
    try {
      for (Cache<String, String> cache : caches) {
        assertThat(cache.get("missing", key -> "loaded")).isEqualTo("loaded"); // fails open
      }
    } finally {
      redis.process(0).resume();
    }

    assertThat(probes).as("probes handed out").hasValue(1);
    assertThat(timeouts).as("command timeouts across all %d caches: the first, then the probe's", CACHES).hasValue(2);
    caches.forEach(cache -> assertThat(cache.inspect().circuitState(1)).isEqualTo(CircuitState.OPEN));
  }
}
