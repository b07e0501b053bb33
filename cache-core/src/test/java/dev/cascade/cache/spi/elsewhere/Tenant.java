package dev.cascade.cache.spi.elsewhere;

/** A record whose simple name is also used in another package, for {@code KeyCodecTest}. */
public record Tenant(String id, Region region) {}
