/**
 * What a backend implements: {@link dev.cascade.cache.spi.Tier} for typed in-process storage,
 * {@link dev.cascade.cache.spi.RemoteStore} for byte-level remote storage, codecs, the stampede
 * lock and the invalidation channel. All policy (TTL, single-flight, tags, stats) lives in core and
 * is shared by every backend.
 */
@NullMarked
package dev.cascade.cache.spi;

import org.jspecify.annotations.NullMarked;
