package dev.cascade.cache.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;

class PathPatternTest {

  @Test
  void match_literalPath_matchesOnlyItself() {
    PathPattern pattern = PathPattern.parse("/stats");
    assertThat(pattern.match("/stats")).isEmpty();
    assertThat(pattern.match("/stats/")).isNull();
    assertThat(pattern.match("/statsx")).isNull();
  }

  @Test
  void match_variableSegment_capturesIt() {
    PathPattern pattern = PathPattern.parse("/products/{id}/reviews");
    assertThat(pattern.match("/products/42/reviews")).isEqualTo(Map.of("id", "42"));
    assertThat(pattern.match("/products//reviews")).isNull();
    assertThat(pattern.match("/products/42")).isNull();
  }

  @Test
  void match_star_matchesOneSegment_doubleStar_theRest() {
    assertThat(PathPattern.parse("/a/*").match("/a/b")).isEmpty();
    assertThat(PathPattern.parse("/a/*").match("/a/b/c")).isNull();
    assertThat(PathPattern.parse("/a/**").match("/a/b/c")).isEmpty();
    assertThat(PathPattern.parse("/a/**").match("/a")).isEmpty();
  }

  @Test
  void parse_badPattern_throwsIllegalArgumentException() {
    assertThatThrownBy(() -> PathPattern.parse("stats")).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> PathPattern.parse("/a/**/b")).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> PathPattern.parse("/a/{}")).isInstanceOf(IllegalArgumentException.class);
  }
}
