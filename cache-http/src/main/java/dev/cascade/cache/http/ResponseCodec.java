package dev.cascade.cache.http;

import dev.cascade.cache.spi.Codec;
import dev.cascade.cache.spi.CodecException;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The binary form of a {@link CachedResponse}: a magic byte and a format version, the kind, status,
 * stored-at time, ETag, vary names, headers as (name, value) pairs of modified UTF-8 and the body
 * as a length-prefixed byte run. Bodies stay bytes (no Base64, no JSON escaping). Stateless and
 * thread-safe; bytes it cannot read are a {@link CodecException}, which the cache counts as a miss.
 */
final class ResponseCodec implements Codec<CachedResponse> {
  static final ResponseCodec INSTANCE = new ResponseCodec();
  private static final int MAGIC = 0xC4;
  private static final int VERSION = 1;
  private static final int MAX_COUNT = 10_000;

  private ResponseCodec() {}

  @Override
  public byte[] encode(CachedResponse value) {
    byte[] body = value.bodyBytes();
    ByteArrayOutputStream bytes = new ByteArrayOutputStream(body.length + 256);
    try (DataOutputStream out = new DataOutputStream(bytes)) {
      out.writeByte(MAGIC);
      out.writeByte(VERSION);
      out.writeByte(value.kind().ordinal());
      out.writeShort(value.status());
      out.writeLong(value.storedAtMillis());
      out.writeUTF(value.etag());
      out.writeShort(value.vary().size());
      for (String name : value.vary()) {
        out.writeUTF(name);
      }
      out.writeShort(value.headers().size());
      for (Map.Entry<String, String> header : value.headers()) {
        out.writeUTF(header.getKey());
        out.writeUTF(header.getValue());
      }
      out.writeInt(body.length);
      out.write(body);
    } catch (IOException | RuntimeException e) {
      throw new CodecException("cannot encode " + value + ": " + e.getMessage(), e);
    }
    return bytes.toByteArray();
  }

  @Override
  public CachedResponse decode(byte[] bytes) {
    try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(bytes))) {
      if (in.readUnsignedByte() != MAGIC) {
        throw new CodecException("not a cached HTTP response", null);
      }
      int version = in.readUnsignedByte();
      if (version != VERSION) {
        throw new CodecException("unknown cached HTTP response format version " + version, null);
      }
      int kindIndex = in.readUnsignedByte();
      CachedResponse.Kind[] kinds = CachedResponse.Kind.values();
      if (kindIndex >= kinds.length) {
        throw new CodecException("unknown entry kind " + kindIndex, null);
      }
      int status = in.readUnsignedShort();
      long storedAt = in.readLong();
      String etag = in.readUTF();
      int varyCount = count(in.readUnsignedShort());
      List<String> vary = new ArrayList<>(varyCount);
      for (int i = 0; i < varyCount; i++) {
        vary.add(in.readUTF());
      }
      int headerCount = count(in.readUnsignedShort());
      List<Map.Entry<String, String>> headers = new ArrayList<>(headerCount);
      for (int i = 0; i < headerCount; i++) {
        headers.add(Map.entry(in.readUTF(), in.readUTF()));
      }
      int length = in.readInt();
      if (length < 0 || length > bytes.length) {
        throw new CodecException("bad body length " + length, null);
      }
      byte[] body = in.readNBytes(length);
      if (body.length != length || in.read() != -1) {
        throw new CodecException("body length does not match the bytes", null);
      }
      return new CachedResponse(kinds[kindIndex], status, headers, body, etag, storedAt, vary);
    } catch (IOException e) {
      throw new CodecException("truncated cached HTTP response: " + e, e);
    }
  }

  private static int count(int count) {
    if (count > MAX_COUNT) {
      throw new CodecException("too many items: " + count, null);
    }
    return count;
  }
}
