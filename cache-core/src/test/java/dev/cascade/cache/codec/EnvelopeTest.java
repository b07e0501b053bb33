package dev.cascade.cache.codec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cascade.cache.spi.CodecException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class EnvelopeTest {

  @Test
  void roundTrip_keepsEveryField() {
    Map<String, Long> tags = new LinkedHashMap<>();
    tags.put("category:3", 42L);
    tags.put("ünïcode", -7L);
    Envelope original = new Envelope(0, 1_000L, 900L, 12_345L, tags, "payload".getBytes(StandardCharsets.UTF_8));

    Envelope parsed = Envelope.parse(original.toBytes());

    assertThat(parsed.flags()).isZero();
    assertThat(parsed.expiresAtMillis()).isEqualTo(1_000L);
    assertThat(parsed.writtenAtMillis()).isEqualTo(900L);
    assertThat(parsed.loadNanos()).isEqualTo(12_345L);
    assertThat(parsed.tagVersions()).containsExactlyEntriesOf(tags);
    assertThat(parsed.payload()).isEqualTo("payload".getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void layout_matchesTheDocumentedWireFormat() {
    byte[] bytes = new Envelope(Envelope.FLAG_NULL, Long.MAX_VALUE, 1L, 2L, Map.of(), new byte[0]).toBytes();

    assertThat(bytes).hasSize(29);
    assertThat(bytes[0]).isEqualTo((byte) 0xCA);
    assertThat(bytes[1]).isEqualTo((byte) 1);
    assertThat(bytes[2]).isEqualTo((byte) 1);
    assertThat(Arrays.copyOfRange(bytes, 3, 11)).containsExactly(0x7F, -1, -1, -1, -1, -1, -1, -1);
    assertThat(Envelope.parse(bytes).isNullMarker()).isTrue();
  }

  @Test
  void parse_rejectsForeignTruncatedAndFutureInput() {
    byte[] valid = new Envelope(0, 5L, 1L, 0L, Map.of("t", 1L), new byte[] {1, 2}).toBytes();

    assertThatThrownBy(() -> Envelope.parse("{\"json\":1}".getBytes(StandardCharsets.UTF_8)))
        .isInstanceOf(CodecException.class);
    assertThatThrownBy(() -> Envelope.parse(Arrays.copyOf(valid, 33))).isInstanceOf(CodecException.class);
    byte[] future = valid.clone();
    future[1] = 2;
    assertThatThrownBy(() -> Envelope.parse(future)).hasMessageContaining("version 2");
    byte[] compressed = valid.clone();
    compressed[2] = Envelope.FLAG_COMPRESSED;
    assertThatThrownBy(() -> Envelope.parse(compressed)).hasMessageContaining("flags");
    byte[] nullWithPayload = valid.clone();
    nullWithPayload[2] = Envelope.FLAG_NULL;
    assertThatThrownBy(() -> Envelope.parse(nullWithPayload)).hasMessageContaining("null marker");
  }

  @Test
  void parseHeader_keepsEveryFieldButThePayload_whichStartsAtPayloadOffset() {
    Map<String, Long> tags = new LinkedHashMap<>();
    tags.put("category:3", 42L);
    tags.put("ünïcode", -7L);
    byte[] payload = "payload".getBytes(StandardCharsets.UTF_8);
    byte[] bytes = new Envelope(0, 1_000L, 900L, 12_345L, tags, payload).toBytes();

    Envelope header = Envelope.parseHeader(bytes);

    assertThat(header.expiresAtMillis()).isEqualTo(1_000L);
    assertThat(header.writtenAtMillis()).isEqualTo(900L);
    assertThat(header.loadNanos()).isEqualTo(12_345L);
    assertThat(header.tagVersions()).containsExactlyEntriesOf(tags);
    assertThat(header.payload()).isEmpty();
    assertThat(Arrays.copyOfRange(bytes, Envelope.payloadOffset(bytes), bytes.length)).isEqualTo(payload);

    byte[] untagged = new Envelope(0, 5L, 1L, 0L, Map.of(), payload).toBytes();
    assertThat(Envelope.payloadOffset(untagged)).isEqualTo(untagged.length - payload.length);
    assertThat(Envelope.parseHeader(untagged).tagVersions()).isEmpty();
  }

  @Test
  void parseHeader_rejectsWhatParseRejects() {
    byte[] valid = new Envelope(0, 5L, 1L, 0L, Map.of("t", 1L), new byte[] {1, 2}).toBytes();

    assertThatThrownBy(() -> Envelope.parseHeader("{\"json\":1}".getBytes(StandardCharsets.UTF_8)))
        .isInstanceOf(CodecException.class);
    for (int cut = 30; cut < 40; cut++) { // inside the tag's length, name and version
      byte[] truncated = Arrays.copyOf(valid, cut);
      assertThatThrownBy(() -> Envelope.parseHeader(truncated)).as("cut at %d", cut).hasMessageContaining("truncated");
      assertThatThrownBy(() -> Envelope.parse(truncated)).as("cut at %d", cut).hasMessageContaining("truncated");
    }
    byte[] future = valid.clone();
    future[1] = 2;
    assertThatThrownBy(() -> Envelope.parseHeader(future)).hasMessageContaining("version 2");
    byte[] nullWithPayload = valid.clone();
    nullWithPayload[2] = Envelope.FLAG_NULL;
    assertThatThrownBy(() -> Envelope.parseHeader(nullWithPayload)).hasMessageContaining("null marker");
  }

  @Test
  void splitUntagged_readsWhatParseReads_andToBytesGivesTheBytesBack() {
    byte[] payload = "payload".getBytes(StandardCharsets.UTF_8);
    for (Envelope written :
        new Envelope[] {
          new Envelope(0, 1_000L, 900L, 12_345L, Map.of(), payload),
          new Envelope(0, Long.MAX_VALUE, -1L, 0L, Map.of(), new byte[0]),
          new Envelope(Envelope.FLAG_NULL, 5L, 4L, 3L, Map.of(), new byte[0])
        }) {
      byte[] bytes = written.toBytes();
      // inside a larger buffer, between position and limit, as a client's receive buffer hands it over
      ByteBuffer buffer = ByteBuffer.allocate(bytes.length + 10);
      buffer.position(7);
      buffer.put(bytes);
      buffer.position(7).limit(7 + bytes.length);

      Envelope split = Envelope.splitUntagged(buffer);

      assertThat(split).isNotNull();
      assertThat(split).usingRecursiveComparison().isEqualTo(Envelope.parse(bytes));
      assertThat(split.toBytes()).isEqualTo(bytes);
    }
    // an empty payload is still an array of its own: it may be handed to a caller
    byte[] empty = new Envelope(0, 5L, 4L, 3L, Map.of(), new byte[0]).toBytes();
    assertThat(Envelope.splitUntagged(ByteBuffer.wrap(empty)).payload()).isNotSameAs(Envelope.splitUntagged(ByteBuffer.wrap(empty)).payload());
  }

  @Test
  void splitUntagged_readsBigEndianLongsWhateverTheBuffersOrder_andFromDirectMemory() {
    byte[] bytes = new Envelope(0, 0x0102030405060708L, 17L, 9L, Map.of(), new byte[] {4, 5}).toBytes();
    ByteBuffer direct = ByteBuffer.allocateDirect(bytes.length).put(bytes).flip();
    direct.order(ByteOrder.LITTLE_ENDIAN);

    Envelope split = Envelope.splitUntagged(direct);

    assertThat(split).isNotNull();
    assertThat(split.expiresAtMillis()).isEqualTo(0x0102030405060708L);
    assertThat(split.writtenAtMillis()).isEqualTo(17L);
    assertThat(split.loadNanos()).isEqualTo(9L);
    assertThat(split.payload()).containsExactly(4, 5);
  }

  @Test
  void splitUntagged_answersNullForTagsAndForWhatParseRejects_readingNothing() {
    byte[] tagged = new Envelope(0, 5L, 1L, 0L, Map.of("t", 1L), new byte[] {1, 2}).toBytes();
    byte[] valid = new Envelope(0, 5L, 1L, 0L, Map.of(), new byte[] {1, 2}).toBytes();
    byte[] future = valid.clone();
    future[1] = 2;
    byte[] compressed = valid.clone();
    compressed[2] = Envelope.FLAG_COMPRESSED;
    byte[] nullWithPayload = valid.clone();
    nullWithPayload[2] = Envelope.FLAG_NULL;
    byte[] foreignMagic = valid.clone();
    foreignMagic[0] = 'x';

    for (byte[] bytes :
        new byte[][] {
          tagged, future, compressed, nullWithPayload, foreignMagic, Arrays.copyOf(valid, 28), "{\"json\":1}".getBytes(StandardCharsets.UTF_8)
        }) {
      ByteBuffer buffer = ByteBuffer.wrap(bytes);
      assertThat(Envelope.splitUntagged(buffer)).as(Arrays.toString(bytes)).isNull();
      assertThat(buffer.position()).isZero();
    }
  }
}
