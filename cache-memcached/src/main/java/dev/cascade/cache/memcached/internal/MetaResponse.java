package dev.cascade.cache.memcached.internal;

import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * One reply of the server: a meta status ({@code VA}, {@code HD}, {@code EN}, {@code NF}, {@code
 * NS}, {@code EX}, {@code MN}), an error line, or the lines of {@code stats}. Immutable.
 */
public final class MetaResponse {
  private final String status;
  private final String[] tokens;
  private final byte @Nullable [] value;
  private final Map<String, String> stats;
  private final long clientFlags;
  private final @Nullable Object read;

  MetaResponse(String status, String[] tokens, byte @Nullable [] value, Map<String, String> stats) {
    this.status = status;
    this.tokens = tokens;
    this.value = value;
    this.stats = stats;
    this.clientFlags = -1;
    this.read = null;
  }

  /**
   * A meta reply whose client flags token ({@code f<n>}), if any, was parsed apart from the other
   * tokens: {@code clientFlags} is -1 when there was none.
   */
  MetaResponse(String status, String[] tokens, byte @Nullable [] value, long clientFlags) {
    this.status = status;
    this.tokens = tokens;
    this.value = value;
    this.stats = Map.of();
    this.clientFlags = clientFlags;
    this.read = null;
  }

  /**
   * A hit of a classic {@code get}: its client flags, and its value as bytes ({@code value}) or as
   * its request's {@code ValueReader} read it on the I/O thread ({@code read}); exactly one is set.
   */
  MetaResponse(byte @Nullable [] value, @Nullable Object read, long clientFlags) {
    this.status = "VA";
    this.tokens = NO_TOKENS;
    this.value = value;
    this.stats = Map.of();
    this.clientFlags = clientFlags;
    this.read = read;
  }

  private static final String[] NO_TOKENS = new String[0];

  /**
   * Returns what the request's {@code ValueReader} made of the value of a classic {@code get}'s hit,
   * or {@code null} when the value was kept as bytes ({@link #value()}): no reader, or one that threw.
   */
  public @Nullable Object read() {
    return read;
  }

  /** Returns whether the status is {@code expected}. */
  public boolean is(String expected) {
    return status.equals(expected);
  }

  /** Returns the value of a {@code VA} reply, else {@code null}. */
  public byte @Nullable [] value() {
    return value;
  }

  /** Returns whether the reply carries the flag {@code flag} (with or without a token). */
  public boolean hasFlag(char flag) {
    return flag(flag) != null;
  }

  /** Returns the token of {@code flag} ({@code ""} when it has none), or {@code null} if absent. */
  public @Nullable String flag(char flag) {
    if (flag == 'f' && clientFlags >= 0) {
      return Long.toString(clientFlags);
    }
    for (String token : tokens) {
      if (!token.isEmpty() && token.charAt(0) == flag) {
        return token.substring(1);
      }
    }
    return null;
  }

  /** Returns the numeric token of {@code flag}, or {@code fallback} if absent. */
  public long longFlag(char flag, long fallback) {
    if (flag == 'f' && clientFlags >= 0) {
      return clientFlags;
    }
    String token = flag(flag);
    return token == null || token.isEmpty() ? fallback : Long.parseLong(token);
  }

  /** Returns the {@code STAT} lines of a stats reply. */
  public Map<String, String> stats() {
    return stats;
  }

  /** Returns whether this is an error line ({@code ERROR}, {@code CLIENT_ERROR}, {@code SERVER_ERROR}). */
  public boolean isError() {
    return status.endsWith("ERROR");
  }

  @Override
  public String toString() {
    String flags = clientFlags >= 0 ? " f" + clientFlags : "";
    return status + flags + (tokens.length == 0 ? "" : " " + String.join(" ", tokens));
  }
}
