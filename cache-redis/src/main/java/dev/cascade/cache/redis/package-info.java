/** Cascade's redis module; its issue has not landed yet, so it holds nothing but this page. */
@NullMarked
package dev.cascade.cache.redis;

import org.jspecify.annotations.NullMarked;
