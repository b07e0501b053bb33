package dev.cascade.cache.redis;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The JSON form of invalidation messages, which other instances and other languages read. */
class InvalidationMessageTest {

  @Test
  void toBytes_invalidation_isTheDocumentedJson() {
    InvalidationMessage message =
        new InvalidationMessage(InvalidationMessage.VERSION, InvalidationMessage.INVALIDATION, "a", 7, "users", "KEYS", List.of("k1"));

    assertThat(new String(message.toBytes(), StandardCharsets.UTF_8))
        .isEqualTo("{\"v\":1,\"type\":\"inv\",\"from\":\"a\",\"seq\":7,\"cache\":\"users\",\"kind\":\"KEYS\",\"keys\":[\"k1\"]}");
  }

  @Test
  void control_ack_namesNoCache() {
    InvalidationMessage ack = InvalidationMessage.control(InvalidationMessage.ACK, "b", 3);

    assertThat(new String(ack.toBytes(), StandardCharsets.UTF_8))
        .isEqualTo("{\"v\":1,\"type\":\"ack\",\"from\":\"b\",\"seq\":3,\"cache\":null,\"kind\":null,\"keys\":null}");
  }

  @Test
  void parse_ownBytes_givesTheSameMessage() {
    InvalidationMessage heartbeat =
        new InvalidationMessage(InvalidationMessage.VERSION, InvalidationMessage.HEARTBEAT, "c", 12, null, null, List.of());

    assertThat(InvalidationMessage.parse(heartbeat.toBytes())).isEqualTo(heartbeat);
  }

  @Test
  void parse_notJson_null() {
    assertThat(InvalidationMessage.parse("not json".getBytes(StandardCharsets.UTF_8))).isNull();
  }

  @Test
  void parse_jsonOfAnotherShape_notOfOurVersion() {
    // The channel treats it as a peer of another version, and flushes: it fails safe.
    InvalidationMessage other = InvalidationMessage.parse("{\"hello\":1}".getBytes(StandardCharsets.UTF_8));

    assertThat(other).isNotNull();
    assertThat(other.v()).isNotEqualTo(InvalidationMessage.VERSION);
  }
}
