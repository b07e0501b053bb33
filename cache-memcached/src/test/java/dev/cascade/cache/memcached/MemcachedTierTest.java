package dev.cascade.cache.memcached;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cascade.cache.CacheException;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.Test;

/** The tier with no server to talk to: a port nobody listens on. */
class MemcachedTierTest {
  private static int closedPort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    }
  }

  private static MemcachedTier unreachable() throws IOException {
    return MemcachedTier.create(
        MemcachedConfig.builder()
            .servers("127.0.0.1:" + closedPort())
            .connectTimeout(Duration.ofMillis(200))
            .reconnectDelay(Duration.ofSeconds(30), Duration.ofSeconds(30))
            .build());
  }

  @Test
  void capabilities_declareMemcachedLimits() throws IOException {
    try (MemcachedTier tier = unreachable()) {
      assertThat(tier.capabilities().maxKeyBytes()).isEqualTo(250);
      assertThat(tier.capabilities().binarySafeKeys()).isFalse();
      assertThat(tier.capabilities().maxValueBytes()).isEqualTo(1024 * 1024 - 1024);
    }
  }

  @Test
  void serverDown_readsMissAtOnce_writesFailNamingTheServer() throws IOException {
    try (MemcachedTier tier = unreachable()) {
      assertThat(tier.get("cascade:c:k").join()).isNull();
      assertThat(tier.getAll(List.of("cascade:c:k", "plain")).join()).isEmpty();
      assertThatThrownBy(() -> tier.put("cascade:c:k", new byte[] {1}, null).join())
          .isInstanceOf(CompletionException.class)
          .hasCauseInstanceOf(CacheException.class)
          .hasMessageContaining(tier.servers().get(0))
          .hasMessageContaining("down");
      assertThat(tier.stats().join()).singleElement().matches(stats -> !stats.up());
    }
  }

  @Test
  void oversizedValue_failsBeforeSending() throws IOException {
    try (MemcachedTier tier = unreachable()) {
      assertThatThrownBy(() -> tier.put("k", new byte[1024 * 1024], Duration.ofSeconds(1)).join())
          .hasCauseInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("1048576 bytes");
    }
  }

  @Test
  void nullKey_failsWithItsName() throws IOException {
    try (MemcachedTier tier = unreachable()) {
      assertThatThrownBy(() -> tier.get(null)).isInstanceOf(NullPointerException.class).hasMessageContaining("key");
    }
  }
}
