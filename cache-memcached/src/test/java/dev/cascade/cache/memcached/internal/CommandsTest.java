package dev.cascade.cache.memcached.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

class CommandsTest {
  private static final Clock CLOCK = Clock.fixed(Instant.ofEpochSecond(1_800_000_000L, 250_000_000), ZoneOffset.UTC);

  @Test
  void wireKey_shortKey_isItsUtf8() {
    assertThat(Commands.wireKey("cascade:users:42")).isEqualTo("cascade:users:42".getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void wireKey_longOrEmptyKey_isMarkedDigestThatFitsTheServerLimit() {
    byte[] longKey = Commands.wireKey("k".repeat(187));
    assertThat(longKey).hasSize(33);
    assertThat(longKey[0]).isEqualTo((byte) 0xFF);
    assertThat(Commands.wireKey("k".repeat(186))).hasSize(186);
    assertThat(Commands.encode(Commands.wireKey("k".repeat(186)))).hasSizeLessThanOrEqualTo(250);
    assertThat(Commands.wireKey("")).hasSize(33);
    assertThat(Commands.wireKey("k".repeat(187))).isNotEqualTo(Commands.wireKey("k".repeat(188)));
  }

  @Test
  void commands_withHostileKeys_areOneLineOfPrintableAscii() {
    for (String key : new String[] {"a b", "x\r\nflush_all", "\0", "\u007f", "日本"}) {
      String line = new String(Commands.mg(Commands.keyOf(Commands.wireKey(key)), "v"), StandardCharsets.US_ASCII);
      assertThat(line.indexOf('\n')).isEqualTo(line.length() - 1);
      assertThat(line.substring(0, line.length() - 2)).matches("mg [A-Za-z0-9+/=]+ b v");
    }
  }

  @Test
  void printableAsciiKeys_goRaw_withoutTheBinaryFlag() {
    Commands.Key key = Commands.keyOf(Commands.wireKey("cascade:users:42"));
    assertThat(key).isEqualTo(new Commands.Key("cascade:users:42", false));
    assertThat(new String(Commands.mg(key, "v f"), StandardCharsets.US_ASCII)).isEqualTo("mg cascade:users:42 v f\r\n");
    assertThat(new String(Commands.md(key, ""), StandardCharsets.US_ASCII)).isEqualTo("md cascade:users:42\r\n");
  }

  @Test
  void ms_carriesLengthAndData() {
    byte[] command = Commands.ms(new Commands.Key("a2V5", true), "v\r\nx".getBytes(StandardCharsets.UTF_8), "F7 T10");
    assertThat(new String(command, StandardCharsets.US_ASCII)).isEqualTo("ms a2V5 4 b F7 T10\r\nv\r\nx\r\n");
    byte[] raw = Commands.ms(new Commands.Key("key", false), "v".getBytes(StandardCharsets.UTF_8), "");
    assertThat(new String(raw, StandardCharsets.US_ASCII)).isEqualTo("ms key 1\r\nv\r\n");
  }

  @Test
  void parseVersion_acceptsDigitsOnly_elseZero() {
    assertThat(NamespaceVersions.parseVersion("4294967296".getBytes(StandardCharsets.US_ASCII))).isEqualTo(4294967296L);
    assertThat(NamespaceVersions.parseVersion("12x".getBytes(StandardCharsets.US_ASCII))).isZero();
    assertThat(NamespaceVersions.parseVersion("-5".getBytes(StandardCharsets.US_ASCII))).isZero();
    assertThat(NamespaceVersions.parseVersion(new byte[0])).isZero();
    assertThat(NamespaceVersions.parseVersion("1234567890123456789".getBytes(StandardCharsets.US_ASCII))).isZero();
  }

  @Test
  void expiry_noTtl_isZero() {
    assertThat(ItemRules.expiry(null, CLOCK)).isZero();
  }

  @Test
  void expiry_fractionsRoundUp_neverToZero() {
    assertThat(ItemRules.expiry(Duration.ofNanos(1), CLOCK)).isEqualTo(1);
    assertThat(ItemRules.expiry(Duration.ofMillis(1), CLOCK)).isEqualTo(1);
    assertThat(ItemRules.expiry(Duration.ofMillis(1500), CLOCK)).isEqualTo(2);
    assertThat(ItemRules.expiry(Duration.ofSeconds(2), CLOCK)).isEqualTo(2);
    assertThat(ItemRules.expiry(Duration.ofMillis(2001), CLOCK)).isEqualTo(3);
  }

  @Test
  void expiry_upToThirtyDays_isRelative() {
    assertThat(ItemRules.expiry(Duration.ofDays(29), CLOCK)).isEqualTo(29 * 86_400);
    assertThat(ItemRules.expiry(Duration.ofDays(30), CLOCK)).isEqualTo(30 * 86_400);
  }

  @Test
  void expiry_overThirtyDays_isAbsoluteUnixTimeRoundedUp() {
    assertThat(ItemRules.expiry(Duration.ofDays(30).plusSeconds(1), CLOCK))
        .isEqualTo(1_800_000_000L + 30 * 86_400 + 2); // now has 250 ms: the expiry rounds up
    assertThat(ItemRules.expiry(Duration.ofDays(365), CLOCK)).isEqualTo(1_800_000_000L + 365 * 86_400 + 1);
  }

  @Test
  void expiry_pastJanuary2038_isClampedJustBeforeTheLargestSigned32BitTime() {
    // 1.8e9 + 20 years is past 2^31 - 1 (2038-01-19), which memcached cannot read
    assertThat(ItemRules.expiry(Duration.ofDays(365 * 20), CLOCK)).isEqualTo(Integer.MAX_VALUE - 1L);
    assertThat(ItemRules.expiry(Duration.ofSeconds(Long.MAX_VALUE), CLOCK)).isEqualTo(Integer.MAX_VALUE - 1L);
    assertThat(ItemRules.expiry(Duration.ofSeconds(Integer.MAX_VALUE - 1_800_000_001L), CLOCK))
        .isEqualTo(Integer.MAX_VALUE - 1L);
    assertThat(ItemRules.expiry(Duration.ofSeconds(Integer.MAX_VALUE - 1_800_000_003L), CLOCK))
        .isEqualTo(Integer.MAX_VALUE - 2L);
  }

  @Test
  void wireKey_unpairedSurrogate_isKeptNotTurnedIntoAQuestionMark() {
    assertThat(Commands.wireKey("a\uD800")).isNotEqualTo(Commands.wireKey("a?"));
    assertThat(Commands.wireKey("a\uD800")).containsExactly('a', 0xED, 0xA0, 0x80);
    assertThat(Commands.wireKey("a\uDC00")).containsExactly('a', 0xED, 0xB0, 0x80);
    assertThat(Commands.wireKey("a\uDC00\uD800")).containsExactly('a', 0xED, 0xB0, 0x80, 0xED, 0xA0, 0x80);
    // well-formed keys, a pair among them, are their UTF-8 as before
    String wellFormed = "a?\uD83D\uDE00\u00E9\u65E5";
    assertThat(Commands.wireKey(wellFormed)).isEqualTo(wellFormed.getBytes(StandardCharsets.UTF_8));
    assertThat(Commands.wireKey("a?\uD83D\uDE00\uD800")).containsExactly('a', '?', 0xF0, 0x9F, 0x98, 0x80, 0xED, 0xA0, 0x80);
  }

  @Test
  void namespaceOf_isUpToTheSecondColon() {
    assertThat(NamespaceVersions.namespaceOf("cascade:users:42")).isEqualTo("cascade:users:");
    assertThat(NamespaceVersions.namespaceOf("cascade:users:a:b")).isEqualTo("cascade:users:");
    assertThat(NamespaceVersions.namespaceOf("cascade:users")).isNull();
    assertThat(NamespaceVersions.namespaceOf("plain")).isNull();
    String hint = NamespaceVersions.namespaceOf("cascade:users:1");
    assertThat(NamespaceVersions.namespaceOf("cascade:users:42", hint)).isSameAs(hint);
    assertThat(NamespaceVersions.namespaceOf("cascade:users:a:b", hint)).isSameAs(hint);
    assertThat(NamespaceVersions.namespaceOf("cascade:usersX:42", hint)).isEqualTo("cascade:usersX:");
    assertThat(NamespaceVersions.namespaceOf("cascade:user:42", hint)).isEqualTo("cascade:user:");
    assertThat(NamespaceVersions.namespaceOf("cascade:users", hint)).isNull();
  }
}
