package dev.cascade.cache.redis;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lettuce.core.RedisClient;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/** The channel builder's option rules; no server (the client never connects). */
class RedisInvalidationBuilderTest {
  private static final RedisClient UNUSED = RedisClient.create("redis://127.0.0.1:1");

  @AfterAll
  static void shutdown() {
    UNUSED.shutdown();
  }

  @Test
  void channel_setTwice_throwsIllegalStateNamingTheFirst() {
    RedisInvalidation.Builder builder = RedisInvalidation.builder(UNUSED).channel("a");

    assertThatThrownBy(() -> builder.channel("b")).isInstanceOf(IllegalStateException.class).hasMessageContaining("a");
  }

  @Test
  void heartbeat_setTwice_throwsIllegalState() {
    RedisInvalidation.Builder builder = RedisInvalidation.builder(UNUSED).heartbeat(Duration.ofSeconds(1));

    assertThatThrownBy(() -> builder.heartbeat(Duration.ofSeconds(2))).isInstanceOf(IllegalStateException.class);
  }

  @Test
  void ackTimeout_zero_throwsNamingTheValue() {
    assertThatThrownBy(() -> RedisInvalidation.builder(UNUSED).ackTimeout(Duration.ZERO))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("ackTimeout")
        .hasMessageContaining("PT0S");
  }
}
