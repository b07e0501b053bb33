/**
 * Cascade's public API: {@link dev.cascade.cache.Cache}, {@link dev.cascade.cache.AsyncCache}, the
 * builder, memoization and statistics.
 */
@NullMarked
package dev.cascade.cache;

import org.jspecify.annotations.NullMarked;
