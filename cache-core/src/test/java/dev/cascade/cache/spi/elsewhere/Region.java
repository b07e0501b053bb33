package dev.cascade.cache.spi.elsewhere;

/** An enum whose simple name is also used in another package, for {@code KeyCodecTest}. */
public enum Region {
  EU,
  US
}
