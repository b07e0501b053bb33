package dev.cascade.cache.codec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cascade.cache.spi.CodecException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;
import tools.jackson.core.type.TypeReference;

class CodecsTest {
  record Product(long id, String name) {}

  @Test
  void json_roundTripsRecordsAndGenericTypes() {
    JsonCodec<Product> codec = JsonCodec.of(Product.class);
    assertThat(codec.decode(codec.encode(new Product(7, "lamp")))).isEqualTo(new Product(7, "lamp"));

    JsonCodec<List<Product>> list = JsonCodec.of(new TypeReference<List<Product>>() {});
    assertThat(list.decode(list.encode(List.of(new Product(1, "a"))))).containsExactly(new Product(1, "a"));
  }

  @Test
  void json_neverLoadsClassesNamedInTheData() {
    JsonCodec<Object> anything = JsonCodec.of(Object.class);
    Object decoded = anything.decode("{\"@class\":\"java.lang.ProcessBuilder\",\"command\":[\"sh\"]}".getBytes(StandardCharsets.UTF_8));

    assertThat(decoded).isInstanceOf(java.util.Map.class);
  }

  @Test
  void json_typeIdsAreRejected_otherUnknownFieldsIgnored() {
    JsonCodec<Product> codec = JsonCodec.of(Product.class);

    assertThatThrownBy(() -> codec.decode("{\"@class\":\"java.lang.Runtime\",\"id\":1,\"name\":\"x\"}".getBytes(StandardCharsets.UTF_8)))
        .isInstanceOf(CodecException.class);
    assertThat(codec.decode("{\"id\":1,\"name\":\"x\",\"addedLater\":true}".getBytes(StandardCharsets.UTF_8)))
        .isEqualTo(new Product(1, "x"));
  }

  @Test
  void json_hostileDocuments_failWithCodecException() {
    JsonCodec<Product> codec = JsonCodec.of(Product.class);
    byte[] deep = ("[".repeat(10_000) + "]".repeat(10_000)).getBytes(StandardCharsets.UTF_8);

    assertThatThrownBy(() -> codec.decode(deep)).isInstanceOf(CodecException.class);
    assertThatThrownBy(() -> codec.decode("not json".getBytes(StandardCharsets.UTF_8))).isInstanceOf(CodecException.class);
    assertThatThrownBy(() -> codec.decode("null".getBytes(StandardCharsets.UTF_8))).isInstanceOf(CodecException.class);
  }

  @Test
  void string_rejectsMalformedUtf8() {
    StringCodec codec = StringCodec.create();
    assertThat(codec.decode(codec.encode("héllo"))).isEqualTo("héllo");
    assertThatThrownBy(() -> codec.decode(new byte[] {(byte) 0xC3, (byte) 0x28})).isInstanceOf(CodecException.class);
  }

  @Test
  void bytes_copiesSoCallersCannotChangeCachedValues() {
    byte[] original = {1, 2, 3};
    byte[] encoded = BytesCodec.create().encode(original);
    original[0] = 9;
    assertThat(BytesCodec.create().decode(encoded)).containsExactly(1, 2, 3);
  }
}
