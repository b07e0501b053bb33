package dev.cascade.cache.memcached.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class KetamaTest {
  private static final List<String> SERVERS = List.of("10.0.0.1:11211", "10.0.0.2:11212", "cache-3.example:11213");

  private static byte[] utf8(String key) {
    return key.getBytes(StandardCharsets.UTF_8);
  }

  @Test
  void serverFor_knownKeys_matchIndependentKetama() {
    // Expected owners computed by an independent libmemcached-style ketama (Python hashlib):
    // MD5("<host>-<i>") for the default port, MD5("<host>:<port>-<i>") otherwise, 4 points per digest.
    Map<String, Integer> expected =
        Map.of("foo", 0, "bar", 1, "user:42", 0, "cascade:products:7", 1, "a", 1, "zzz", 1, "hello world", 0, "k1", 2, "k2", 1, "k3", 1);
    Ketama ketama = new Ketama(SERVERS);

    expected.forEach((key, owner) -> assertThat(ketama.serverFor(utf8(key))).as(key).isEqualTo(owner));
  }

  @Test
  void serverFor_manyKeys_spreadsOverEveryServer() {
    Ketama ketama = new Ketama(SERVERS);
    int[] counts = new int[SERVERS.size()];
    for (int i = 0; i < 30_000; i++) {
      counts[ketama.serverFor(utf8("key-" + i))]++;
    }
    for (int count : counts) {
      assertThat(count).isBetween(5_000, 15_000);
    }
  }

  @Test
  void removingAServer_movesOnlyItsOwnKeys() {
    Ketama three = new Ketama(SERVERS);
    List<String> two = new ArrayList<>(SERVERS);
    two.remove(1);
    Ketama withoutSecond = new Ketama(two);

    for (int i = 0; i < 10_000; i++) {
      byte[] key = utf8("key-" + i);
      int before = three.serverFor(key);
      if (before != 1) {
        String owner = SERVERS.get(before);
        assertThat(two.get(withoutSecond.serverFor(key))).isEqualTo(owner);
      }
    }
  }
}
