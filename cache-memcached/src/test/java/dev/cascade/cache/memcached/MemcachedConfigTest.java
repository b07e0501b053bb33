package dev.cascade.cache.memcached;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class MemcachedConfigTest {
  @Test
  void defaults_areShortTimeoutsAndOneMebibyteItems() {
    MemcachedConfig config = MemcachedConfig.builder().servers("a:1", "b").build();

    assertThat(config.servers()).hasSize(2);
    assertThat(config.servers().get(1).getPort()).isEqualTo(11211);
    assertThat(config.commandTimeout()).isEqualTo(Duration.ofMillis(500));
    assertThat(config.itemSizeMax()).isEqualTo(1024 * 1024);
    assertThat(config.connectionsPerServer()).isEqualTo(1);
    assertThat(config.transport()).isEqualTo(MemcachedConfig.Transport.AUTO);
  }

  @Test
  void transport_isSetOnce_andNotNull() {
    MemcachedConfig.Builder builder = MemcachedConfig.builder().servers("a:1").transport(MemcachedConfig.Transport.NIO);
    assertThatThrownBy(() -> builder.transport(MemcachedConfig.Transport.EPOLL))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("transport");
    assertThat(builder.build().transport()).isEqualTo(MemcachedConfig.Transport.NIO);
    assertThatThrownBy(() -> MemcachedConfig.builder().transport(null))
        .isInstanceOf(NullPointerException.class)
        .hasMessageContaining("transport");
  }

  @Test
  void build_withoutServers_throws() {
    assertThatThrownBy(() -> MemcachedConfig.builder().build()).isInstanceOf(IllegalStateException.class);
  }

  @Test
  void badValues_throwNamingThem() {
    assertThatThrownBy(() -> MemcachedConfig.builder().servers("host:port"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("host:port");
    assertThatThrownBy(() -> MemcachedConfig.builder().servers("a:1", "a:1"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("twice");
    assertThatThrownBy(() -> MemcachedConfig.builder().commandTimeout(Duration.ZERO))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("commandTimeout");
    assertThatThrownBy(() -> MemcachedConfig.builder().connectionsPerServer(0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("0");
  }

  @Test
  void optionSetTwice_throws() {
    MemcachedConfig.Builder builder = MemcachedConfig.builder().commandTimeout(Duration.ofMillis(100));
    assertThatThrownBy(() -> builder.commandTimeout(Duration.ofMillis(200))).isInstanceOf(IllegalStateException.class);
  }
}
