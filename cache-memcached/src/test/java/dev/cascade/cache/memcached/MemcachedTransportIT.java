package dev.cascade.cache.memcached;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cascade.cache.CacheTimeoutException;
import dev.cascade.cache.memcached.MemcachedConfig.Transport;
import dev.cascade.cache.testkit.MemcachedServerExtension;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Each socket transport against a real server: what {@link Transport#AUTO} resolves to, and reads,
 * bulk reads and command timeouts on {@link Transport#NIO} and {@link Transport#EPOLL} (the other
 * memcached suites run on the default, NIO, so epoll is covered here and in {@link
 * MemcachedEpollBulkReaderIT}).
 */
class MemcachedTransportIT {
  @RegisterExtension static final MemcachedServerExtension MEMCACHED = MemcachedServerExtension.single();

  private static MemcachedBackend backend(Transport transport, Duration commandTimeout) {
    return MemcachedBackend.create(
        MemcachedConfig.builder().servers(MEMCACHED.address(0)).transport(transport).commandTimeout(commandTimeout).build());
  }

  @Test
  void auto_isNio() {
    try (MemcachedBackend backend = backend(Transport.AUTO, Duration.ofSeconds(5))) {
      assertThat(backend.transport()).isEqualTo(Transport.NIO);
    }
  }

  @ParameterizedTest
  @EnumSource(value = Transport.class, names = {"NIO", "EPOLL"})
  void transport_isTheOneAskedFor_andReadsWhatWasWritten(Transport transport) {
    try (MemcachedBackend backend = backend(transport, Duration.ofSeconds(5))) {
      assertThat(backend.transport()).isEqualTo(transport);
      MemcachedTier tier = backend.tier();
      List<String> keys = new ArrayList<>();
      for (int i = 0; i < 100; i++) {
        String key = "transport-" + transport + "-" + i;
        keys.add(key);
        // 2 KiB values: a 100-key reply spans many socket reads
        tier.put(key, ("v" + i + "-").repeat(400).getBytes(StandardCharsets.UTF_8), null).join();
      }
      assertThat(new String(tier.get(keys.get(7)).join(), StandardCharsets.UTF_8)).startsWith("v7-v7-");
      Map<String, byte[]> all = tier.getAll(keys).join();
      assertThat(all).hasSize(100);
      for (int i = 0; i < 100; i++) {
        assertThat(new String(all.get(keys.get(i)), StandardCharsets.UTF_8)).isEqualTo(("v" + i + "-").repeat(400));
      }
    }
  }

  @ParameterizedTest
  @EnumSource(value = Transport.class, names = {"NIO", "EPOLL"})
  void pausedServer_failsTheCallWithATimeout_andTheTransportRecovers(Transport transport) {
    try (MemcachedBackend backend = backend(transport, Duration.ofMillis(200))) {
      MemcachedTier tier = backend.tier();
      byte[] value = "before".getBytes(StandardCharsets.UTF_8);
      tier.put("paused", value, null).join();
      MEMCACHED.process(0).pause();
      Throwable failure;
      try {
        failure = tier.get("paused").handle((found, error) -> error instanceof CompletionException ? error.getCause() : error).join();
      } finally {
        MEMCACHED.process(0).resume();
      }
      assertThat(failure).isInstanceOf(CacheTimeoutException.class);
      org.awaitility.Awaitility.await()
          .atMost(Duration.ofSeconds(10))
          .ignoreExceptions()
          .untilAsserted(() -> assertThat(tier.get("paused").join()).isEqualTo(value));
    }
  }
}
