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

  @Test
  void decodeOwned_bytesKeepsTheArrayHandedOver_otherCodecsDecodeAsDecodeDoes() {
    byte[] handedOver = {1, 2, 3};
    assertThat(BytesCodec.create().decodeOwned(handedOver)).isSameAs(handedOver);
    assertThat(BytesCodec.create().decode(handedOver)).isNotSameAs(handedOver).containsExactly(1, 2, 3);
    assertThat(StringCodec.create().decodeOwned("héllo".getBytes(StandardCharsets.UTF_8))).isEqualTo("héllo");
    assertThatThrownBy(() -> JsonCodec.of(Product.class).decodeOwned("not json".getBytes(StandardCharsets.UTF_8)))
        .isInstanceOf(CodecException.class);
  }

  @Test
  void decodeRange_readsOnlyTheRange_asDecodeOfACopy() {
    byte[] framed = frame("{\"id\":7,\"name\":\"lamp\"}".getBytes(StandardCharsets.UTF_8));
    JsonCodec<Product> json = JsonCodec.of(Product.class);
    assertThat(json.decode(framed, 3, framed.length - 5)).isEqualTo(new Product(7, "lamp"));

    byte[] text = frame("héllo".getBytes(StandardCharsets.UTF_8));
    assertThat(StringCodec.create().decode(text, 3, text.length - 5)).isEqualTo("héllo");

    byte[] bytes = frame(new byte[] {1, 2, 3});
    byte[] decoded = BytesCodec.create().decode(bytes, 3, 3);
    assertThat(decoded).containsExactly(1, 2, 3);
    decoded[0] = 9;
    assertThat(bytes[3]).isEqualTo((byte) 1); // a copy: the caller's changes never reach the bytes read
  }

  @Test
  void decodeRange_failsAsDecodeDoes_andRefusesRangesOutsideTheBytes() {
    byte[] notJson = frame("not json".getBytes(StandardCharsets.UTF_8));
    assertThatThrownBy(() -> JsonCodec.of(Product.class).decode(notJson, 3, notJson.length - 5)).isInstanceOf(CodecException.class);
    byte[] malformed = frame(new byte[] {(byte) 0xC3, (byte) 0x28});
    assertThatThrownBy(() -> StringCodec.create().decode(malformed, 3, 2)).isInstanceOf(CodecException.class);
    // the bytes around the range are not JSON: a codec that read past the range would fail here
    assertThat(JsonCodec.of(Integer.class).decode("xx42yy".getBytes(StandardCharsets.UTF_8), 2, 2)).isEqualTo(42);

    assertThatThrownBy(() -> BytesCodec.create().decode(new byte[4], 2, 3)).isInstanceOf(IndexOutOfBoundsException.class);
    assertThatThrownBy(() -> StringCodec.create().decode(new byte[4], -1, 2)).isInstanceOf(IndexOutOfBoundsException.class);
    assertThatThrownBy(() -> JsonCodec.of(Product.class).decode(new byte[4], 3, 2)).isInstanceOf(IndexOutOfBoundsException.class);
  }

  @Test
  void decodeRange_default_decodesACopyOfTheRange() {
    dev.cascade.cache.spi.Codec<String> reversing =
        new dev.cascade.cache.spi.Codec<>() {
          @Override
          public byte[] encode(String value) {
            return value.getBytes(StandardCharsets.UTF_8);
          }

          @Override
          public String decode(byte[] bytes) {
            bytes[0] = 'X'; // a codec may scribble on its input: only on the copy
            return new String(bytes, StandardCharsets.UTF_8);
          }
        };
    byte[] framed = frame("abc".getBytes(StandardCharsets.UTF_8));

    assertThat(reversing.decode(framed, 3, 3)).isEqualTo("Xbc");
    assertThat(framed[3]).isEqualTo((byte) 'a');
    assertThatThrownBy(() -> reversing.decode(framed, 6, 3)).isInstanceOf(IndexOutOfBoundsException.class);
  }

  /** {@code payload} with three bytes before it and two after, none of them part of a value. */
  private static byte[] frame(byte[] payload) {
    byte[] framed = new byte[payload.length + 5];
    framed[0] = (byte) 0xFF;
    framed[1] = '{';
    framed[2] = '"';
    System.arraycopy(payload, 0, framed, 3, payload.length);
    framed[framed.length - 2] = '"';
    framed[framed.length - 1] = (byte) 0xFE;
    return framed;
  }
}
