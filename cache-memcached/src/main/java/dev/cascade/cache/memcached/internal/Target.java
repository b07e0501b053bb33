package dev.cascade.cache.memcached.internal;

import org.jspecify.annotations.Nullable;

/**
 * Where one key of a call lives: the key as given, its server, its binary wire form and its
 * namespace ({@code <a>:<b>:}, or {@code null} if it has none). Immutable.
 */
record Target(String userKey, ServerNode node, byte[] wire, @Nullable String namespace) {
  /** Returns the key's wire form; computed on each call, since a classic multi-get never needs it. */
  Commands.Key key() {
    return Commands.keyOf(wire);
  }
}
