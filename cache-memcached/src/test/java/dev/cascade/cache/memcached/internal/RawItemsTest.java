package dev.cascade.cache.memcached.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class RawItemsTest {

  @Test
  void isText_flags0And16_only() {
    assertThat(RawItems.isText(0)).isTrue(); // spymemcached, xmemcached: String; pymemcache without serde
    assertThat(RawItems.isText(16)).isTrue(); // pymemcache python_memcache_serializer, python-memcached: str
    // Java transcoders: serialized 1, compressed 2, boolean 256, int 512, long 768, date 1024, byte 1280,
    // float 1536, double 1792, byte[] 2048; pymemcache: pickle 1, int 2, long 4, compressed 8
    for (long other : new long[] {1, 2, 3, 4, 8, 17, 18, 256, 512, 768, 1024, 1280, 1536, 1792, 2048, 2050, -1}) {
      assertThat(RawItems.isText(other)).as("flags %d", other).isFalse();
    }
  }

  @Test
  void wireKey_printableAsciiUpTo250Bytes_isTheKeyItself() {
    String key = "user:" + "k".repeat(245);
    assertThat(RawItems.wireKey(key)).isEqualTo(key.getBytes(StandardCharsets.UTF_8));
    assertThat(Commands.keyOf(RawItems.wireKey(key))).isEqualTo(new Commands.Key(key, false));
  }

  @Test
  void wireKey_otherBytes_base64UpTo186Bytes_hashedBeyond_andOver250AlwaysHashed() {
    String unicode = "user:" + "é".repeat(90); // 185 bytes
    assertThat(RawItems.wireKey(unicode)).isEqualTo(unicode.getBytes(StandardCharsets.UTF_8));
    assertThat(Commands.keyOf(RawItems.wireKey(unicode)).base64()).isTrue();
    assertThat(RawItems.wireKey(unicode + "éé")[0]).isEqualTo((byte) 0xFF);
    assertThat(RawItems.wireKey("k".repeat(251))[0]).isEqualTo((byte) 0xFF);
  }
}
