package dev.cascade.examples.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The example runs against its own embedded Jetty and shows what docs/http.md says it shows. */
class HttpExampleIT {

  @Test
  void main_showsHitsPassesAndInvalidations() throws Exception {
    PrintStream out = System.out;
    ByteArrayOutputStream captured = new ByteArrayOutputStream();
    System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
    try {
      HttpExample.main(new String[0]);
    } finally {
      System.setOut(out);
    }
    String output = captured.toString(StandardCharsets.UTF_8);

    assertThat(output).containsPattern("second request: served from the cache +GET /stats 200 hit ");
    assertThat(output).containsPattern("If-None-Match: 304, the handler does not run +GET /stats 304 hit ");
    assertThat(output).containsPattern("same entry: utm_source is not part of the key .* 200 hit .*\"run\":2\\}");
    assertThat(output).containsPattern("bob's page: his own entry +GET /me 200 miss .*\"user\":\"bob\"");
    assertThat(output).containsPattern("Authorization on a shared route: passes through +GET /stats 200 pass ");
    assertThat(output).contains("handler runs: 7");
  }
}
