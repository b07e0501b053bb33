package dev.cascade.cache.redis;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cascade.cache.Cache;
import dev.cascade.cache.codec.StringCodec;
import dev.cascade.cache.spi.Codec;
import dev.cascade.cache.testkit.RedisServerExtension;
import io.lettuce.core.RedisClient;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A blocking call decodes what Redis answered on its own thread, not on Lettuce's I/O thread,
 * which serves every caller of the connection and was the bottleneck of many blocking callers (see
 * docs/benchmarks.md, Redis load).
 */
class RedisDecodeThreadIT {
  @RegisterExtension static final RedisServerExtension redis = RedisServerExtension.standalone();

  /** The names of the threads that decoded a value. */
  private final Set<String> decodedOn = ConcurrentHashMap.newKeySet();

  private final Codec<String> recording =
      new Codec<>() {
        private final Codec<String> strings = StringCodec.create();

        @Override
        public byte[] encode(String value) {
          return strings.encode(value);
        }

        @Override
        public String decode(byte[] bytes) {
          decodedOn.add(Thread.currentThread().getName());
          return strings.decode(bytes);
        }
      };

  private RedisClient client;
  private RedisBackend backend;
  private Cache<String, String> cache;

  @BeforeEach
  void start() {
    client = RedisClient.create(redis.uri());
    backend = RedisBackend.create(client);
    cache = Cache.<String, String>builder("decode-thread").tier(backend.store()).valueCodec(recording).build();
    cache.putAll(Map.of("a", "1", "b", "2", "c", "3"));
    // Once before measuring: a first call links its classes, which can take longer than Redis takes
    // to answer, and a reply that is in before a stage is attached is decoded by the attaching thread
    // whatever the code does. (With the hop, every call decodes on the caller's thread.)
    cache.getIfPresent("a");
    cache.get("b", key -> "loaded");
    cache.getAll(List.of("a", "b", "c"));
    cache.getAll(List.of("a", "y"), missing -> Map.of("y", "25"));
    decodedOn.clear();
  }

  @AfterEach
  void stop() {
    cache.close();
    backend.close();
    client.shutdown();
  }

  @Test
  void getIfPresent_decodesOnTheCallersThread() {
    assertThat(cache.getIfPresent("a")).isEqualTo("1");

    assertThat(decodedOn).containsExactly(Thread.currentThread().getName());
  }

  @Test
  void getWithLoader_hit_decodesOnTheCallersThread() {
    assertThat(cache.get("b", key -> "loaded")).isEqualTo("2");

    assertThat(decodedOn).containsExactly(Thread.currentThread().getName());
  }

  @Test
  void getAll_decodesOnTheCallersThread() {
    assertThat(cache.getAll(List.of("a", "b", "c"))).containsExactlyInAnyOrderEntriesOf(Map.of("a", "1", "b", "2", "c", "3"));
    assertThat(cache.getAll(List.of("a", "b", "x"), missing -> Map.of("x", "24"))).containsEntry("b", "2");

    assertThat(decodedOn).containsExactly(Thread.currentThread().getName());
  }
}
