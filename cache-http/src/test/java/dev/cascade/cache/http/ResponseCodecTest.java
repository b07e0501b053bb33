package dev.cascade.cache.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cascade.cache.spi.CodecException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ResponseCodecTest {
  private final ResponseCodec codec = ResponseCodec.INSTANCE;

  @Test
  void decode_ofEncode_givesTheSameResponse() {
    byte[] body = new byte[70_000];
    Arrays.fill(body, (byte) 0xFE);
    CachedResponse response = new CachedResponse(
        CachedResponse.Kind.RESPONSE, 203,
        List.of(Map.entry("Content-Type", "text/plain;charset=utf-8"), Map.entry("X-A", "1"), Map.entry("X-A", "ü")),
        body, "\"abc\"", 1_790_000_000_123L, List.of("accept-language"));

    CachedResponse decoded = codec.decode(codec.encode(response));

    assertThat(decoded.kind()).isEqualTo(CachedResponse.Kind.RESPONSE);
    assertThat(decoded.status()).isEqualTo(203);
    assertThat(decoded.headers()).isEqualTo(response.headers());
    assertThat(decoded.body()).isEqualTo(body);
    assertThat(decoded.etag()).isEqualTo("\"abc\"");
    assertThat(decoded.storedAtMillis()).isEqualTo(1_790_000_000_123L);
    assertThat(decoded.vary()).containsExactly("accept-language");
  }

  @Test
  void encode_isCompact_bodyStaysBytes() {
    byte[] body = "hello".getBytes(StandardCharsets.UTF_8);
    CachedResponse response = new CachedResponse(CachedResponse.Kind.RESPONSE, 200, List.of(), body, "\"e\"", 0, List.of());
    assertThat(codec.encode(response)).hasSizeLessThan(40);
  }

  @Test
  void decode_markers_keepTheirKind() {
    assertThat(codec.decode(codec.encode(CachedResponse.pass(5))).kind()).isEqualTo(CachedResponse.Kind.PASS);
    CachedResponse variants = codec.decode(codec.encode(CachedResponse.variants(List.of("accept"), 5)));
    assertThat(variants.kind()).isEqualTo(CachedResponse.Kind.VARIANTS);
    assertThat(variants.vary()).containsExactly("accept");
  }

  @Test
  void decode_foreignOrTruncatedBytes_throwsCodecException() {
    byte[] good = codec.encode(CachedResponse.pass(5));
    assertThatThrownBy(() -> codec.decode("{\"json\":1}".getBytes(StandardCharsets.UTF_8)))
        .isInstanceOf(CodecException.class);
    assertThatThrownBy(() -> codec.decode(Arrays.copyOf(good, good.length - 3))).isInstanceOf(CodecException.class);
    byte[] longer = Arrays.copyOf(good, good.length + 1);
    assertThatThrownBy(() -> codec.decode(longer)).isInstanceOf(CodecException.class);
    assertThatThrownBy(() -> codec.decode(new byte[0])).isInstanceOf(CodecException.class);
  }
}
