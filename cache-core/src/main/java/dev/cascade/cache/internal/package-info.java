/** Shared machinery of cache-core: the policy engine, single-flight, layering. Not API; may change without notice. */
@NullMarked
package dev.cascade.cache.internal;

import org.jspecify.annotations.NullMarked;
