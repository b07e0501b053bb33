package dev.cascade.cache.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cascade.cache.Cache;
import dev.cascade.cache.codec.JsonCodec;
import dev.cascade.cache.codec.StringCodec;
import dev.cascade.cache.memory.InMemoryRemoteStore;
import dev.cascade.cache.spi.Codec;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.json.JsonMapper;

/** What a codec can do to a read (nothing but a counted miss), and the codecs' own options. */
class CodecFailureTest {
  private final FakeTicker ticker = new FakeTicker();

  @Test
  void userCodecThrowingAnError_isACountedMiss_notAnExceptionFromTheRead() {
    InMemoryRemoteStore store = InMemoryRemoteStore.create(ticker);
    Cache<String, String> writer =
        Cache.<String, String>builder("codec-error").tier(store).valueCodec(StringCodec.create()).ticker(ticker).build();
    writer.put("k", "v");
    Codec<String> broken =
        new Codec<>() {
          @Override
          public byte[] encode(String value) {
            return StringCodec.create().encode(value);
          }

          @Override
          public String decode(byte[] bytes) {
            throw new AssertionError("a codec bug");
          }
        };
    Cache<String, String> reader =
        Cache.<String, String>builder("codec-error").tier(store).valueCodec(broken).ticker(ticker).build();

    assertThat(reader.getIfPresent("k")).isNull();
    assertThat(reader.stats().decodeFailureCount()).isEqualTo(1);
    assertThat(reader.stats().missCount()).isEqualTo(1);
  }

  @Test
  void jsonCodec_genericTypeWithOwnMapper_roundTrips() {
    JsonCodec<Map<String, List<Integer>>> codec =
        JsonCodec.of(new TypeReference<Map<String, List<Integer>>>() {}, JsonMapper.builder().build());
    Map<String, List<Integer>> value = Map.of("a", List.of(1, 2));

    assertThat(codec.decode(codec.encode(value))).isEqualTo(value);
  }

  @Test
  void keyWithoutStableForm_messageNamesKeyCodec() {
    Cache<Object, String> cache =
        Cache.<Object, String>builder("no-key-form")
            .tier(InMemoryRemoteStore.create(ticker))
            .valueCodec(StringCodec.create())
            .build();

    assertThatThrownBy(() -> cache.put(new Object(), "v"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("no stable key form for java.lang.Object")
        .hasMessageContaining("keyCodec(");
  }
}
