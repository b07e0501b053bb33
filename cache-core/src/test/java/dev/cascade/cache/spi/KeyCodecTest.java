package dev.cascade.cache.spi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigDecimal;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class KeyCodecTest {
  enum Region { EU, US }

  record Tenant(String id, Region region) {}

  record Lookup(Tenant tenant, String query, Integer page) {}

  private final KeyCodec<Object> codec = KeyCodec.standard();

  @Test
  void scalars_useTheirCanonicalForm() {
    assertThat(codec.encode("plain")).isEqualTo("plain");
    assertThat(codec.encode(42L)).isEqualTo("42");
    assertThat(codec.encode(new BigDecimal("1.500"))).isEqualTo("1.5");
    UUID id = UUID.fromString("123e4567-e89b-12d3-a456-426614174000");
    assertThat(codec.encode(id)).isEqualTo("123e4567-e89b-12d3-a456-426614174000");
    assertThat(codec.encode(Region.EU)).isEqualTo("Region.EU");
  }

  @Test
  void records_encodeComponentsRecursivelyAndEscapeSeparators() {
    assertThat(codec.encode(new Lookup(new Tenant("acme", Region.US), "a,b)", 2)))
        .isEqualTo("Lookup(Tenant(acme,Region.US),a\\,b\\),2)");
    assertThat(codec.encode(new Lookup(new Tenant("x", Region.EU), "q", null))).isEqualTo("Lookup(Tenant(x,Region.EU),q,\\0)");
  }

  @Test
  void distinctRecordsAndLists_neverCollide() {
    List<Object> keys =
        List.of(
            new Tenant("a,b", Region.EU),
            new Tenant("a", Region.EU),
            Arrays.asList("a", "b"),
            List.of("a,b"),
            Arrays.asList((Object) null),
            List.of("\\0"));
    assertThat(keys.stream().map(codec::encode).distinct()).hasSameSizeAs(keys);
  }

  @Test
  void unsupportedTypes_areRejectedNamingTheType() {
    assertThatThrownBy(() -> codec.encode(new StringBuilder("x")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("java.lang.StringBuilder");
  }
}
