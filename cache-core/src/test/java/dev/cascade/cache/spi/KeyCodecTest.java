package dev.cascade.cache.spi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cascade.cache.MemoKey;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class KeyCodecTest {
  enum Region { EU, US }

  record Tenant(String id, Region region) {}

  record Lookup(Tenant tenant, String query, Integer page) {}

  record Pair(Object left, Object right) {}

  private final KeyCodec<Object> codec = KeyCodec.standard();

  @Test
  void encode_scalars_giveTaggedCanonicalForms() {
    UUID id = UUID.fromString("123e4567-e89b-12d3-a456-426614174000");

    assertThat(codec.encode(42)).isEqualTo("i:42");
    assertThat(codec.encode(42L)).isEqualTo("l:42");
    assertThat(codec.encode((short) 42)).isEqualTo("h:42");
    assertThat(codec.encode((byte) 42)).isEqualTo("y:42");
    assertThat(codec.encode(BigInteger.valueOf(-42))).isEqualTo("n:-42");
    assertThat(codec.encode(new BigDecimal("1.500"))).isEqualTo("d:1.500");
    assertThat(codec.encode(new BigDecimal("1E+3"))).isEqualTo("d:1E+3");
    assertThat(codec.encode(true)).isEqualTo("b:true");
    assertThat(codec.encode('x')).isEqualTo("c:x");
    assertThat(codec.encode(id)).isEqualTo("u:123e4567-e89b-12d3-a456-426614174000");
    assertThat(codec.encode(Region.EU)).isEqualTo("e:dev.cascade.cache.spi.KeyCodecTest$Region.EU");
  }

  @Test
  void encode_string_isKeptAsItIsUnlessItStartsLikeATaggedForm() {
    assertThat(codec.encode("plain")).isEqualTo("plain");
    assertThat(codec.encode("42")).isEqualTo("42");
    assertThat(codec.encode("user:42")).isEqualTo("user:42");
    assertThat(codec.encode("A:42")).isEqualTo("A:42");
    assertThat(codec.encode("a,b(c)")).isEqualTo("a,b(c)");
    assertThat(codec.encode("")).isEmpty();
    assertThat(codec.encode("i:42")).isEqualTo("s:i:42");
    assertThat(codec.encode("s:x")).isEqualTo("s:s:x");
  }

  @Test
  void encode_records_encodeComponentsRecursivelyAndEscapeSeparators() {
    assertThat(codec.encode(new Lookup(new Tenant("acme", Region.US), "a,b)", 2)))
        .isEqualTo(
            "r:dev.cascade.cache.spi.KeyCodecTest$Lookup("
                + "r:dev.cascade.cache.spi.KeyCodecTest$Tenant(acme,e:dev.cascade.cache.spi.KeyCodecTest$Region.US),"
                + "a\\,b\\),i:2)");
    assertThat(codec.encode(new Lookup(null, "q", null)))
        .isEqualTo("r:dev.cascade.cache.spi.KeyCodecTest$Lookup(\\0,q,\\0)");
    assertThat(codec.encode(Arrays.asList("x", 7L, null, "", "l:7")))
        .isEqualTo("a:[x,l:7,\\0,s:,s:l:7]");
  }

  @Test
  void encode_equalKeys_giveEqualStrings() {
    assertThat(codec.encode(Arrays.asList(1, "a"))).isEqualTo(codec.encode(List.of(1, "a")));
    assertThat(codec.encode(new ArrayList<>(List.of(1L)))).isEqualTo(codec.encode(List.of(1L)));
    assertThat(codec.encode(new BigDecimal("1.0"))).isEqualTo(codec.encode(new BigDecimal("10E-1")));
  }

  @Test
  void encode_equalValuesOfDifferentTypes_giveDistinctStrings() {
    List<Object> keys =
        List.of(
            42, 42L, (short) 42, (byte) 42, BigInteger.valueOf(42), new BigDecimal("42"), "42",
            "i:42", "l:42", '4', "4", true, "true", "b:true",
            MemoKey.of("f", 42), MemoKey.of("f", 42L), MemoKey.of("f", "42"));

    assertThat(keys.stream().map(codec::encode).distinct()).hasSameSizeAs(keys);
  }

  @Test
  void encode_bigDecimalsOfDifferentScale_giveDistinctStrings() {
    // BigDecimal.equals tells 1, 1.0 and 1.00 apart, and so does the in-process tier.
    List<Object> keys = List.of(new BigDecimal("1"), new BigDecimal("1.0"), new BigDecimal("1.00"), new BigDecimal("1E+1"), new BigDecimal("10"));

    assertThat(keys.stream().map(codec::encode).distinct()).hasSameSizeAs(keys);
  }

  @Test
  void encode_enumsAndRecordsOfOneSimpleNameInDifferentPackages_giveDistinctStrings() {
    assertThat(codec.encode(Region.EU)).isNotEqualTo(codec.encode(dev.cascade.cache.spi.elsewhere.Region.EU));
    assertThat(codec.encode(new Tenant("acme", Region.EU)))
        .isNotEqualTo(codec.encode(new dev.cascade.cache.spi.elsewhere.Tenant("acme", dev.cascade.cache.spi.elsewhere.Region.EU)));
  }

  @Test
  void encode_stringsThatLookLikeListsOrRecords_giveDistinctStrings() {
    List<Object> keys =
        List.of(
            "[a]", List.of("a"), "[]", List.of(), List.of(""), Arrays.asList((Object) null), List.of("\\0"),
            new Tenant("a,b", Region.EU), new Tenant("a", Region.EU), Arrays.asList("a", "b"), List.of("a,b"),
            "Tenant(a,Region.EU)", List.of(List.of()), List.of(List.of("")));

    assertThat(keys.stream().map(codec::encode).distinct()).hasSameSizeAs(keys);
  }

  @Test
  void encode_randomNestedKeys_giveEqualStringsExactlyForEqualKeys() {
    Random random = new Random(12);
    Map<String, Object> byString = new HashMap<>();
    for (int i = 0; i < 50_000; i++) {
      Object key = randomKey(random, 0);
      Object earlier = byString.putIfAbsent(codec.encode(key), key);
      if (earlier != null) {
        assertThat(earlier).as("key giving the same string as %s", key).isEqualTo(key);
      }
    }
  }

  @Test
  void encode_unsupportedTypes_areRejectedNamingTheType() {
    assertThatThrownBy(() -> codec.encode(new StringBuilder("x")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("java.lang.StringBuilder");
    assertThatThrownBy(() -> codec.encode(1.5d))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("java.lang.Double");
  }

  @Test
  void decode_readsBackStringsIntegersLongsAndUuids_andOnlyThem() {
    UUID id = UUID.fromString("123e4567-e89b-12d3-a456-426614174000");
    List<Object> readBack = List.of("alice", "", "i:42", "s:x", "a:[b]", 42, -7, 42L, Long.MIN_VALUE, id);
    List<Object> indexed =
        List.of((short) 42, (byte) 1, BigInteger.TEN, new BigDecimal("1.0"), true, 'c', Region.EU, List.of(1), new Tenant("a", Region.US));

    for (Object key : readBack) {
      assertThat(codec.canDecode(key)).as("canDecode %s", key).isTrue();
      assertThat(codec.decode(codec.encode(key))).as("decode of %s", codec.encode(key)).isEqualTo(key).hasSameClassAs(key);
    }
    for (Object key : indexed) {
      assertThat(codec.canDecode(key)).as("canDecode %s", key).isFalse();
      assertThat(codec.decode(codec.encode(key))).as("decode of %s", codec.encode(key)).isNull();
    }
  }

  @Test
  void decode_formsNoKeyEncodesTo_answerNull() {
    for (String form : List.of("i:007", "i:+1", "i:-0", "i:x", "i:", "i:2147483648", "i:\u0664\u0662",
        "l:99999999999999999999", "u:not-a-uuid", "u:1-1-1-1-1", "u:123E4567-E89B-12D3-A456-426614174000",
        "s:plain", "s:", "x:1")) {
      assertThat(codec.decode(form)).as("decode of %s", form).isNull();
    }
    assertThat(codec.decode("s:s:x")).isEqualTo("s:x");
  }

  @Test
  void decode_randomKeys_answersNullOrTheOneKeyOfThatForm() {
    Random random = new Random(13);
    for (int i = 0; i < 50_000; i++) {
      Object key = randomKey(random, 0);
      Object decoded = codec.decode(codec.encode(key));
      assertThat(decoded).as("decode of %s", codec.encode(key)).isEqualTo(codec.canDecode(key) ? key : null);
    }
  }

  @Test
  void decode_ofACodecThatDoesNotOverrideIt_readsNothingBack() {
    KeyCodec<String> custom = key -> "k" + key;

    assertThat(custom.canDecode("a")).isFalse();
    assertThat(custom.decode("ka")).isNull();
  }

  /** A key of small values, so that distinct keys often share characters and shapes. */
  private static Object randomKey(Random random, int depth) {
    int kind = random.nextInt(depth >= 2 ? 9 : 12);
    return switch (kind) {
      case 0, 1, 2 -> randomString(random);
      case 3 -> random.nextInt(3);
      case 4 -> (long) random.nextInt(3);
      case 5 -> BigDecimal.valueOf(random.nextInt(3), random.nextInt(2));
      case 6 -> "ab,()[]\\:".charAt(random.nextInt(9));
      case 7 -> random.nextBoolean() ? Region.EU : dev.cascade.cache.spi.elsewhere.Region.EU;
      case 8 -> random.nextBoolean();
      case 9, 10 -> {
        List<Object> list = new ArrayList<>();
        int size = random.nextInt(3);
        for (int i = 0; i < size; i++) {
          list.add(random.nextInt(8) == 0 ? null : randomKey(random, depth + 1));
        }
        yield list;
      }
      default -> new Pair(
          random.nextInt(8) == 0 ? null : randomKey(random, depth + 1),
          random.nextInt(8) == 0 ? null : randomKey(random, depth + 1));
    };
  }

  private static String randomString(Random random) {
    String alphabet = "si0:,()[]\\";
    StringBuilder text = new StringBuilder();
    int length = random.nextInt(4);
    for (int i = 0; i < length; i++) {
      text.append(alphabet.charAt(random.nextInt(alphabet.length())));
    }
    return text.toString();
  }
}
