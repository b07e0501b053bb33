package dev.cascade.cache.internal;

import dev.cascade.cache.Ticker;
import dev.cascade.cache.codec.Envelope;
import dev.cascade.cache.spi.Codec;
import dev.cascade.cache.spi.CodecException;
import dev.cascade.cache.spi.LeaseMarker;
import dev.cascade.cache.spi.RemoteStore;
import dev.cascade.cache.spi.TierEntry;
import dev.cascade.cache.spi.TimedValue;
import dev.cascade.cache.spi.ValueReader;
import java.time.Duration;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * What the values a {@link RemoteTier} reads mean: the envelope or raw form, whether a value is
 * expired (with a sliding TTL, only absences expire here), the entry it holds, and what is done
 * with one that is corrupt (counted, logged and deleted if unchanged) or stale (deleted if
 * unchanged). Split from {@code RemoteTier}, which asks the store and checks tags.
 *
 * <p>Invariant: a hit copies its payload once. An envelope read whole from the wire is parsed header
 * only ({@link Envelope#parseHeader}) and its payload decoded in place from the bytes read ({@link
 * Codec#decode(byte[], int, int)}); one split by {@link #SPLIT_OR_COPY} where the store received it
 * had its payload copied there, into an array no one else holds, which the codec is handed ({@link
 * Codec#decodeOwned}). Stateless apart from
 * its collaborators; thread-safe.
 */
final class RemoteValues<V> {
  private final RemoteStore store;
  private final Codec<V> codec;
  private final Ticker ticker;
  private final StatsCounter stats;
  private final OperatorLog.RejectionLog rejections;
  private final CircuitGuard guard;
  /** The sliding TTL, or {@code null} for plain reads and fixed expiries. */
  private final @Nullable Duration sliding;
  /** The raw value form, or {@code null} for the envelope. */
  private final @Nullable RawValues raw;

  RemoteValues(
      RemoteStore store,
      Codec<V> codec,
      Ticker ticker,
      StatsCounter stats,
      OperatorLog.RejectionLog rejections,
      CircuitGuard guard,
      @Nullable Duration sliding,
      @Nullable RawValues raw) {
    this.store = store;
    this.codec = codec;
    this.ticker = ticker;
    this.stats = stats;
    this.rejections = rejections;
    this.guard = guard;
    this.sliding = sliding;
    this.raw = raw;
  }

  /**
   * A value read from the store: its bytes and their envelope. For an envelope on the wire, either
   * the header only, the payload left in {@code bytes} ({@link #toEntry} decodes it in place), or,
   * for one split where the store received it ({@link #SPLIT_OR_COPY}), {@code bytes} null and the
   * payload in the envelope, handed to the codec ({@link Codec#decodeOwned}).
   */
  record Fetched(String remoteKey, byte @Nullable [] bytes, Envelope envelope) {
    /** The bytes as stored: what a conditional delete compares (a split envelope writes them again). */
    byte[] stored() {
      return bytes != null ? bytes : envelope.toBytes();
    }
  }

  /**
   * The reader of a bulk read of envelopes ({@link RemoteStore#getAllInOrder(java.util.List,
   * ValueReader)}): an envelope without tags, the common value, is split where the store received it
   * (its payload copied once, into the array the codec is handed); anything else (tags, a lease
   * marker, bytes that are no envelope) is copied as it is, for {@link #fetched(String, Object)} to
   * parse or reject on the caller's side. Never throws.
   */
  static final ValueReader<Object> SPLIT_OR_COPY =
      bytes -> {
        Envelope split = Envelope.splitUntagged(bytes);
        if (split != null) {
          return split;
        }
        byte[] copy = new byte[bytes.remaining()];
        bytes.get(copy);
        return copy;
      };

  /** Returns what {@link #SPLIT_OR_COPY} read, with its envelope (see {@link #parse}), or {@code null} for none. */
  @Nullable Fetched fetched(String remoteKey, Object read) {
    if (read instanceof Envelope split) {
      return new Fetched(remoteKey, null, split);
    }
    return fetched(remoteKey, (byte[]) read, null);
  }

  /**
   * Returns a raw value read with its time left (see {@link #parse}), or {@code null} for none; a
   * value the store calls foreign is counted and deleted as a corrupt one, never decoded.
   */
  @Nullable Fetched fetched(String remoteKey, TimedValue timed) {
    if (timed.foreign()) {
      corrupt(remoteKey, timed.value());
      return null;
    }
    return fetched(remoteKey, timed.value(), timed.remaining());
  }

  /** Returns {@code bytes} with their envelope (see {@link #parse}), or {@code null} for none. */
  @Nullable Fetched fetched(String remoteKey, byte[] bytes, @Nullable Duration remaining) {
    Envelope envelope = parse(remoteKey, bytes, remaining);
    return envelope == null ? null : new Fetched(remoteKey, bytes, envelope);
  }

  /**
   * Returns the envelope of {@code bytes} read under {@code remoteKey}, or {@code null} (counted and
   * deleted if corrupt); {@code remaining} is the time the store says the value has left, used only
   * for raw values ({@code null}: unknown or none).
   */
  private @Nullable Envelope parse(String remoteKey, byte[] bytes, @Nullable Duration remaining) {
    if (LeaseMarker.isMarker(bytes)) {
      return null; // a load is in progress elsewhere: a miss, not a corrupt value
    }
    RawValues rawForm = raw;
    if (rawForm != null) {
      return rawForm.read(bytes, ticker.wallMillis(), remaining); // the codec decides whether it is a value
    }
    try {
      return Envelope.parseHeader(bytes); // the payload stays in bytes: toEntry decodes it in place
    } catch (CodecException e) {
      corrupt(remoteKey, bytes);
      return null;
    }
  }

  boolean expired(Envelope envelope) {
    return expired(envelope, ticker.wallMillis());
  }

  /**
   * Whether {@code envelope} had expired at {@code nowMillis} (wall clock): a bulk read asks for
   * all its values with one reading of the clock, which costs about as much as parsing a header.
   */
  boolean expired(Envelope envelope, long nowMillis) {
    if (sliding != null && !envelope.isNullMarker()) {
      return false; // touched as it was read: the store's TTL rules (see the class comment)
    }
    return envelope.expiresAtMillis() != TierEntry.NO_EXPIRY && envelope.expiresAtMillis() <= nowMillis;
  }

  /** Returns the expiry of the entry read in {@code envelope}: its own, or slid from now. */
  private long expiryOf(Envelope envelope) {
    Duration slide = sliding;
    if (slide == null || envelope.isNullMarker()) {
      return envelope.expiresAtMillis();
    }
    long now = ticker.wallMillis();
    long millis;
    try {
      millis = Math.max(1, slide.toMillis());
    } catch (ArithmeticException overflow) {
      return TierEntry.NO_EXPIRY;
    }
    return millis >= TierEntry.NO_EXPIRY - now ? TierEntry.NO_EXPIRY : now + millis;
  }

  /** Returns the entry {@code read} holds, or {@code null} when its payload is corrupt (counted and deleted). */
  @Nullable TierEntry<V> toEntry(Fetched read) {
    Envelope envelope = read.envelope();
    byte[] bytes = read.bytes();
    V value = null;
    if (!envelope.isNullMarker()) {
      try {
        // A raw value's envelope holds the bytes read as its payload, and so does a split envelope,
        // whose payload array is the cache's alone; an envelope read whole, its header only.
        value = raw != null ? codec.decode(envelope.payload()) : bytes == null ? codec.decodeOwned(envelope.payload()) : decodePayload(bytes);
      } catch (VirtualMachineError fatal) {
        throw fatal; // out of memory or stack: the JVM's trouble, not the value's
      } catch (RuntimeException | Error e) { // a user codec may throw anything: still a counted miss
        corrupt(read.remoteKey(), read.stored());
        return null;
      }
    }
    return new TierEntry<>(
        value,
        expiryOf(envelope),
        envelope.writtenAtMillis(),
        envelope.loadNanos(),
        envelope.tagVersions().isEmpty() ? Set.of() : envelope.tagVersions().keySet());
  }

  private V decodePayload(byte[] envelopeBytes) {
    int offset = Envelope.payloadOffset(envelopeBytes);
    return codec.decode(envelopeBytes, offset, envelopeBytes.length - offset);
  }

  /**
   * Deletes an expired or tag-invalidated entry, so that it stops costing reads and a lease can be
   * taken on its key; only if the key still holds {@code bytes}, the value read
   * ({@code RemoteStore.deleteIfUnchanged}): another instance may have replaced it since with a
   * newer value or with its lease marker, which an unconditional delete would take away (and with
   * the marker, the lease: two instances would then load the key at once).
   */
  @Nullable TierEntry<V> dropStale(Fetched read) {
    byte[] bytes = read.stored();
    guard.call(() -> store.deleteIfUnchanged(read.remoteKey(), bytes));
    return null;
  }

  private void corrupt(String remoteKey, byte[] bytes) {
    rejections.rejected(remoteKey, ticker.read());
    stats.recordDecodeFailure();
    guard.call(() -> store.deleteIfUnchanged(remoteKey, bytes));
  }
}
