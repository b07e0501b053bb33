/** Lettuce plumbing of cache-redis. Not API; may change without notice. */
@NullMarked
package dev.cascade.cache.redis.internal;

import org.jspecify.annotations.NullMarked;
