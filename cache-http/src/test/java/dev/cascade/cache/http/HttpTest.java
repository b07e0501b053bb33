package dev.cascade.cache.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class HttpTest {

  @Test
  void etag_sameBody_sameTag_otherBody_otherTag() {
    byte[] body = "same".getBytes(StandardCharsets.UTF_8);
    assertThat(Http.etag(body)).isEqualTo(Http.etag(body.clone())).startsWith("\"").endsWith("\"");
    assertThat(Http.etag("other".getBytes(StandardCharsets.UTF_8))).isNotEqualTo(Http.etag(body));
  }

  @Test
  void matches_listWeakAndStar_matchWeakly() {
    assertThat(Http.matches(List.of("\"a\", \"b\""), "\"b\"")).isTrue();
    assertThat(Http.matches(List.of("W/\"b\""), "\"b\"")).isTrue();
    assertThat(Http.matches(List.of("*"), "\"b\"")).isTrue();
    assertThat(Http.matches(List.of("\"c\""), "\"b\"")).isFalse();
    assertThat(Http.matches(null, "\"b\"")).isFalse();
  }

  @Test
  void directives_dropArgumentsAndCase() {
    assertThat(Http.directives(List.of("Private, max-age=60", "NO-STORE"))).containsExactly("private", "max-age", "no-store");
  }
}
