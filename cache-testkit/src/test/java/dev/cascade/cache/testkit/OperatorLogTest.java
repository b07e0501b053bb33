package dev.cascade.cache.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cascade.cache.Cache;
import dev.cascade.cache.codec.StringCodec;
import dev.cascade.cache.memory.InMemoryInvalidationBus;
import dev.cascade.cache.memory.InMemoryRemoteStore;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What an operator sees: Cascade logs through {@code System.Logger}, which the JDK routes to {@code
 * java.util.logging} unless an application installs another backend; this test listens there.
 */
class OperatorLogTest {
  private LogCapture log;
  private final FakeTicker ticker = new FakeTicker();

  @BeforeEach
  void listen() {
    log = LogCapture.of("dev.cascade.cache");
  }

  @AfterEach
  void stopListening() {
    log.close();
  }

  private List<String> messages(String logger) {
    return log.records().stream()
        .filter(record -> record.getLoggerName().equals(logger))
        .map(record -> new java.text.MessageFormat(record.getMessage()).format(record.getParameters()))
        .toList();
  }

  @Test
  void breaker_opensAndCloses_eachChangeLoggedOnce() {
    FlakyRemoteStore store = new FlakyRemoteStore(InMemoryRemoteStore.create(ticker));
    Cache<String, String> cache =
        Cache.<String, String>builder("logged-breaker")
            .inMemory(m -> m.maximumSize(10))
            .tier(store)
            .valueCodec(StringCodec.create())
            .ticker(ticker)
            .circuitBreaker(2, Duration.ofSeconds(5))
            .build();
    store.down(true);
    cache.get("a", key -> "x");
    cache.get("b", key -> "x");
    store.down(false);
    ticker.advance(Duration.ofSeconds(6));
    cache.get("c", key -> "x");

    assertThat(messages("dev.cascade.cache.breaker"))
        .hasSize(3)
        .satisfies(lines -> assertThat(lines.get(0)).contains("OPEN after 2 consecutive failures"))
        .satisfies(lines -> assertThat(lines.get(1)).contains("HALF_OPEN"))
        .satisfies(lines -> assertThat(lines.get(2)).contains("CLOSED"));
    assertThat(messages("dev.cascade.cache.coherence"))
        .containsExactly("cache logged-breaker: in-process tier flushed: a remote tier came back after its circuit breaker was open");
  }

  @Test
  void channelLoss_flushesTheInProcessTier_andSaysWhy() {
    InMemoryInvalidationBus bus = new InMemoryInvalidationBus();
    Cache<String, String> cache =
        Cache.<String, String>builder("logged-loss")
            .inMemory(m -> m.maximumSize(10))
            .tier(InMemoryRemoteStore.create(ticker))
            .valueCodec(StringCodec.create())
            .invalidation(bus.newChannel())
            .build();
    cache.put("k", "v");

    bus.signalLoss();

    assertThat(messages("dev.cascade.cache.coherence"))
        .containsExactly("cache logged-loss: in-process tier flushed: the invalidation channel may have lost messages");
    assertThat(cache.stats().localFlushCount()).isEqualTo(1);
  }

  @Test
  void rejectedRemoteValues_loggedAtMostOncePerInterval_withTheirCount() {
    InMemoryRemoteStore store = InMemoryRemoteStore.create(ticker);
    Cache<String, String> cache =
        Cache.<String, String>builder("logged-codec").tier(store).valueCodec(StringCodec.create()).ticker(ticker).build();
    byte[] foreign = "not an envelope".getBytes(StandardCharsets.UTF_8);
    for (String key : List.of("a", "b", "c")) {
      store.put("cascade:logged-codec:" + key, foreign, null).join();
      assertThat(cache.getIfPresent(key)).isNull();
    }
    ticker.advance(Duration.ofSeconds(11));
    store.put("cascade:logged-codec:d", foreign, null).join();
    assertThat(cache.getIfPresent("d")).isNull();

    assertThat(messages("dev.cascade.cache.codec"))
        .hasSize(2)
        .satisfies(lines -> assertThat(lines.get(0)).contains("1 remote value(s)").contains("last key cascade:logged-codec:a"))
        .satisfies(lines -> assertThat(lines.get(1)).contains("3 remote value(s)").contains("last key cascade:logged-codec:d"));
    assertThat(cache.stats().decodeFailureCount()).isEqualTo(4);
  }
}
