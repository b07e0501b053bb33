package dev.cascade.cache.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The query part of a key: decoding that never gives two different query strings one key form. */
class RequestKeysQueryTest {

  private static String keyFormOfValue(String query) {
    Map<RequestKeys.QueryPart, List<RequestKeys.QueryPart>> parsed = RequestKeys.parseQuery(query);
    return parsed.values().iterator().next().get(0).keyForm();
  }

  @Test
  void malformedEscape_andTheEscapedPercentOfTheSameText_haveDifferentKeyForms() {
    assertThat(keyFormOfValue("q=%ZZ")).isNotEqualTo(keyFormOfValue("q=%25ZZ"));
    assertThat(keyFormOfValue("q=%2")).isNotEqualTo(keyFormOfValue("q=%252"));
  }

  @Test
  void escapesThatAreNotUtf8_haveDifferentKeyForms_fromEachOtherAndFromTheReplacementCharacter() {
    assertThat(keyFormOfValue("q=%FF")).isNotEqualTo(keyFormOfValue("q=%FE"));
    assertThat(keyFormOfValue("q=%FF")).isNotEqualTo(keyFormOfValue("q=%EF%BF%BD"));
  }

  @Test
  void wellFormedValues_decodeAsAForm_does() {
    assertThat(keyFormOfValue("q=a+b")).isEqualTo(keyFormOfValue("q=a%20b"));
    assertThat(keyFormOfValue("q=%C3%A9")).isEqualTo(keyFormOfValue("q=é"));
    assertThat(RequestKeys.parseQuery("q=%C3%A9").values().iterator().next().get(0).text()).isEqualTo("é");
  }
}
