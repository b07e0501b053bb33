package dev.cascade.cache.http;

import dev.cascade.cache.spi.Codec;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * What {@link HttpResponseCache} keeps under one key: a stored response (status, the headers of its
 * representation, body, ETag and the time it was stored), or one of two markers — "this request
 * passes through uncached" and "the response varies by these request headers; look again under a
 * key that includes them". The value type of the cache that {@link HttpResponseCache} is built on;
 * users meet it only in that type and in a weigher ({@link #weight()}).
 *
 * <p>Immutable and thread-safe; {@link #body()} returns a copy.
 */
public final class CachedResponse {

  /** What an entry is. */
  public enum Kind {
    /** A stored response. */
    RESPONSE,
    /** The handler's last answer for this key could not be stored; requests pass through. */
    PASS,
    /** The response varies by {@link #vary()}: the stored responses live under longer keys. */
    VARIANTS
  }

  private final Kind kind;
  private final int status;
  private final List<Map.Entry<String, String>> headers;
  private final byte[] body;
  private final String etag;
  private final long storedAtMillis;
  private final List<String> vary;

  CachedResponse(
      Kind kind,
      int status,
      List<Map.Entry<String, String>> headers,
      byte[] body,
      String etag,
      long storedAtMillis,
      List<String> vary) {
    this.kind = Objects.requireNonNull(kind, "kind");
    this.status = status;
    this.headers = List.copyOf(headers);
    this.body = Objects.requireNonNull(body, "body");
    this.etag = Objects.requireNonNull(etag, "etag");
    this.storedAtMillis = storedAtMillis;
    this.vary = List.copyOf(vary);
  }

  static CachedResponse pass(long storedAtMillis) {
    return new CachedResponse(Kind.PASS, 0, List.of(), new byte[0], "", storedAtMillis, List.of());
  }

  static CachedResponse variants(List<String> vary, long storedAtMillis) {
    return new CachedResponse(Kind.VARIANTS, 0, List.of(), new byte[0], "", storedAtMillis, vary);
  }

  /** Returns the codec that stores entries in remote tiers: compact binary, versioned. */
  public static Codec<CachedResponse> codec() {
    return ResponseCodec.INSTANCE;
  }

  /** Returns what this entry is. */
  public Kind kind() {
    return kind;
  }

  /** Returns the HTTP status of a stored response ({@code 0} for a marker). */
  public int status() {
    return status;
  }

  /** Returns the stored representation headers, in the order the handler set them. */
  public List<Map.Entry<String, String>> headers() {
    return headers;
  }

  /** Returns a copy of the body. */
  public byte[] body() {
    return body.clone();
  }

  /** The body itself, for writing it out without a copy. */
  byte[] bodyBytes() {
    return body;
  }

  /** Returns the entity tag, quoted as sent ({@code ""} for a marker). */
  public String etag() {
    return etag;
  }

  /** Returns the wall-clock time the entry was stored, in milliseconds since the epoch. */
  public long storedAtMillis() {
    return storedAtMillis;
  }

  /** Returns the lower-case names of the request headers the response varies by. */
  public List<String> vary() {
    return vary;
  }

  /**
   * Returns an estimate of the entry's size in bytes (body plus headers), for an in-process tier
   * bounded by weight: {@code m.maximumWeight(64 << 20, (key, r) -> r.weight())}.
   */
  public int weight() {
    long size = 64L + body.length + etag.length();
    for (Map.Entry<String, String> header : headers) {
      size += header.getKey().length() + header.getValue().length() + 8;
    }
    return (int) Math.min(Integer.MAX_VALUE, size);
  }

  @Override
  public String toString() {
    return "CachedResponse[" + kind + (kind == Kind.RESPONSE ? " " + status + ", " + body.length + " bytes" : "")
        + (vary.isEmpty() ? "" : ", vary " + vary) + "]";
  }
}
