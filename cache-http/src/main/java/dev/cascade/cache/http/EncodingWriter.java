package dev.cascade.cache.http;

import java.io.IOException;
import java.io.OutputStream;
import java.io.Writer;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.Charset;
import java.nio.charset.CharsetEncoder;
import java.nio.charset.CodingErrorAction;

/**
 * The handler's writer: encodes each write into the capture stream at once, holding back only a
 * high surrogate that waits for its pair, so no text written before a reset can come out after it.
 * Malformed and unmappable characters are replaced, as {@code OutputStreamWriter} does. Flushing
 * it is the handler's flush. Not thread-safe: the handler's thread writes through it, as {@link
 * CapturingResponse} requires.
 */
final class EncodingWriter extends Writer {
  private final OutputStream out;
  private final CharsetEncoder encoder;
  private final ByteBuffer bytes = ByteBuffer.allocate(1024);
  private final char[] pair = new char[1];
  private boolean pending;

  EncodingWriter(OutputStream out, Charset charset) {
    this.out = out;
    this.encoder = charset.newEncoder()
        .onMalformedInput(CodingErrorAction.REPLACE)
        .onUnmappableCharacter(CodingErrorAction.REPLACE);
  }

  @Override
  public void write(char[] chars, int off, int len) throws IOException {
    if (len == 0) {
      return;
    }
    CharBuffer in;
    if (pending) {
      in = CharBuffer.allocate(len + 1).put(pair[0]).put(chars, off, len).flip();
      pending = false;
    } else {
      in = CharBuffer.wrap(chars, off, len);
    }
    encode(in, false);
  }

  private void encode(CharBuffer in, boolean end) throws IOException {
    while (encoder.encode(in, bytes, end).isOverflow()) {
      drain();
    }
    if (end) {
      while (encoder.flush(bytes).isOverflow()) {
        drain();
      }
      encoder.reset();
    } else if (in.hasRemaining()) {
      pair[0] = in.get(); // a high surrogate: encoded with the next write
      pending = true;
    }
    drain();
  }

  private void drain() throws IOException {
    if (bytes.position() > 0) {
      out.write(bytes.array(), 0, bytes.position());
      bytes.clear();
    }
  }

  void discardPendingChar() {
    pending = false;
    encoder.reset(); // a stateful charset (ISO-2022-JP, UTF-16's byte-order mark) starts over too
  }

  @Override
  public void flush() throws IOException {
    out.flush();
  }

  /** Encodes a high surrogate still waiting (as a replacement); closes nothing, as before. */
  @Override
  public void close() throws IOException {
    if (pending) {
      pending = false;
      encode(CharBuffer.wrap(pair), true);
    }
  }
}
