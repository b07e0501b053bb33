package dev.cascade.cache.internal;

import org.jspecify.annotations.Nullable;

/**
 * A cache's remote layout as {@code RemoteLayout} resolved it, already checked against the cache's
 * other options.
 *
 * @param raw whether values are stored without the envelope
 * @param nullMarker the bytes of a cached absence in a raw cache, or {@code null} for none
 * @param keyLiteral the literal of the key template (every key of the cache starts with it), or
 *     {@code null} for {@code <prefix>:<cache>:}
 * @param tagSetLiteral the literal of the tag set template, or {@code null} for tag versions
 */
public record LayoutSettings(
    boolean raw, byte @Nullable [] nullMarker, @Nullable String keyLiteral, @Nullable String tagSetLiteral) {}
