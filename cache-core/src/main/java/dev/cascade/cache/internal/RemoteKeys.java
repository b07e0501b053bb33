package dev.cascade.cache.internal;

import dev.cascade.cache.spi.KeyBytes;
import dev.cascade.cache.spi.KeyCodec;
import dev.cascade.cache.spi.StoreCapabilities;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import org.jspecify.annotations.Nullable;

/**
 * Builds the remote keys of one cache: {@code <prefix>:<cache>:<key>} for entries and {@code
 * <prefix>:<cache>:#tag:<tag>} for tag versions. A key that the store cannot take as it is (too
 * long, or with spaces or control characters where keys are not binary-safe, or with an unpaired
 * surrogate, which clients would send as {@code '?'}) becomes {@code
 * <prefix>:<cache>:#<sha-256 hex>} (tags: {@code #tagh:<hex>}): the full digest, never a
 * truncation. Encoded keys that start with {@code #} get a second {@code #}, so no user key can
 * take the form of a hashed key or a tag key. With a key template ({@code RemoteLayout.keyTemplate})
 * the namespace is the template's literal instead of {@code <prefix>:<cache>:}, and with tag sets
 * ({@code RemoteLayout.tagSets}) a tag's set is {@code <tag literal><tag>} (or {@code <tag
 * literal>#<sha-256 hex>}). Immutable and thread-safe.
 */
final class RemoteKeys<K> {
  private final String namespace;
  private final KeyCodec<K> keyCodec;
  private final StoreCapabilities capabilities;
  private final @Nullable String tagSetLiteral;
  /** Whether every character of {@link #namespace} may stand in a key of the store. */
  private final boolean namespaceSafe;

  /**
   * Keys under {@code namespace} (a template's literal, or {@code <prefix>:<cache>:}), with tag sets
   * under {@code tagSetLiteral} if it is not {@code null}.
   */
  RemoteKeys(String namespace, @Nullable String tagSetLiteral, KeyCodec<K> keyCodec, StoreCapabilities capabilities) {
    this.namespace = namespace;
    this.tagSetLiteral = tagSetLiteral;
    this.keyCodec = keyCodec;
    this.capabilities = capabilities;
    if (KeyBytes.hasUnpairedSurrogate(namespace)) {
      throw new IllegalArgumentException(
          "key prefix and cache name \"" + namespace + "\" hold an unpaired surrogate, which clients send as '?'");
    }
    this.namespaceSafe = safeCharacters(namespace);
    int longestHashedKey = namespace.getBytes(StandardCharsets.UTF_8).length + "#tagh:".length() + 64;
    if (longestHashedKey > capabilities.maxKeyBytes()) {
      throw new IllegalArgumentException(
          "key prefix and cache name \"" + namespace + "\" leave no room for a hashed key within the store's "
              + capabilities.maxKeyBytes() + "-byte limit");
    }
  }

  /** Returns the prefix shared by every key of this cache, and by no key of another cache. */
  public String namespace() {
    return namespace;
  }

  /** Returns the remote key of {@code key}. */
  public String entryKey(K key) {
    String encoded = keyCodec.encode(key);
    String candidate = namespace + (encoded.startsWith("#") ? "#" + encoded : encoded);
    // The namespace's characters were checked once (namespaceSafe); only the key's own are scanned.
    boolean safe = fits(candidate) && namespaceSafe && safeCharacters(encoded);
    return safe ? candidate : namespace + "#" + sha256Hex(encoded);
  }

  /** Returns the remote key holding the version of {@code tag}. */
  public String tagKey(String tag) {
    String candidate = namespace + "#tag:" + tag;
    return safe(candidate) ? candidate : namespace + "#tagh:" + sha256Hex(tag);
  }

  /** Returns the key of the set of {@code tag}'s members, with tag sets. */
  public String tagSetKey(String tag) {
    String literal = java.util.Objects.requireNonNull(tagSetLiteral, "no tag sets");
    String candidate = literal + tag;
    return safe(candidate) && !tag.startsWith("#") ? candidate : literal + "#" + sha256Hex(tag);
  }

  private boolean safe(String key) {
    return fits(key) && safeCharacters(key);
  }

  /** Whether {@code key} is within the store's key length limit. */
  private boolean fits(String key) {
    return key.length() * 3 <= capabilities.maxKeyBytes()
        || key.getBytes(StandardCharsets.UTF_8).length <= capabilities.maxKeyBytes();
  }

  /**
   * Whether every character of {@code text} may stand in a key of the store: never an unpaired
   * surrogate (a client's {@code String.getBytes} sends {@code '?'} for it, so two keys would share
   * one), and where keys are not binary-safe, no whitespace or control character either.
   */
  private boolean safeCharacters(String text) {
    boolean binarySafe = capabilities.binarySafeKeys();
    boolean surrogatesChecked = false;
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c > ' ' && c < 0x7F) {
        continue; // printable ASCII, the common case: never whitespace, a control character or a surrogate
      }
      if (Character.isSurrogate(c)) {
        if (!surrogatesChecked && KeyBytes.hasUnpairedSurrogate(text)) {
          return false;
        }
        surrogatesChecked = true; // every surrogate of text is half of a pair
      } else if (!binarySafe && (c <= ' ' || c == 0x7F || Character.isWhitespace(c) || Character.isISOControl(c))) {
        return false;
      }
    }
    return true;
  }

  static String sha256Hex(String text) {
    try {
      MessageDigest digest = MessageDigest.getInstance("SHA-256");
      return HexFormat.of().formatHex(digest.digest(KeyBytes.utf8(text)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is required of every JVM", e);
    }
  }
}
