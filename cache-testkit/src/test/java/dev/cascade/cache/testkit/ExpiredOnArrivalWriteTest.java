package dev.cascade.cache.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cascade.cache.Cache;
import dev.cascade.cache.Ticker;
import dev.cascade.cache.codec.StringCodec;
import dev.cascade.cache.memory.InMemoryRemoteStore;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * A write whose entry has expired by the time it reaches the remote tier (here: a clock that moves a
 * minute at every reading, against a one-second TTL) deletes the key's older value there, for
 * {@code putAll} as for {@code put}: the older value must not outlive a newer write.
 */
class ExpiredOnArrivalWriteTest {
  /** Moves one minute forward at every reading. */
  private static final class RushingTicker implements Ticker {
    private final AtomicLong nanos = new AtomicLong();

    @Override
    public long read() {
      return nanos.addAndGet(Duration.ofMinutes(1).toNanos());
    }

    @Override
    public long wallMillis() {
      return Duration.ofNanos(read()).toMillis();
    }
  }

  private final InMemoryRemoteStore store = InMemoryRemoteStore.create();
  private final Cache<String, String> cache =
      Cache.<String, String>builder("arrival")
          .tier(store)
          .valueCodec(StringCodec.create())
          .ttl(Duration.ofSeconds(1))
          .ticker(new RushingTicker())
          .build();

  private void storeOlderValue(String key) {
    store.putNow("cascade:arrival:" + key, "older".getBytes(StandardCharsets.UTF_8), null);
  }

  @Test
  void put_expiredOnArrival_deletesTheOlderValue() {
    storeOlderValue("k");

    cache.put("k", "newer");

    assertThat(store.keys()).doesNotContain("cascade:arrival:k");
  }

  @Test
  void putAll_expiredOnArrival_deletesTheOlderValues() {
    storeOlderValue("a");
    storeOlderValue("b");

    cache.putAll(Map.of("a", "newer", "b", "newer"));

    assertThat(store.keys()).doesNotContain("cascade:arrival:a", "cascade:arrival:b");
  }
}
