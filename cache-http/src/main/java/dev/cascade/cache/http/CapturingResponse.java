package dev.cascade.cache.http;

import jakarta.servlet.ServletOutputStream;
import jakarta.servlet.WriteListener;
import jakarta.servlet.http.Cookie;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.HttpServletResponseWrapper;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.Charset;
import java.util.Locale;
import org.jspecify.annotations.Nullable;

/**
 * The response a handler writes while its output may be stored: headers and status go to the real
 * response at once, the body into a buffer of at most {@code limit} bytes. The buffer is given up —
 * its bytes written to the real response and every later byte passed straight through — when the
 * body outgrows the limit, when the handler writes after it flushed (it is streaming), or when it
 * sends an error or a redirect; such a response is {@linkplain #passedThrough() passed through} and
 * never stored. Content length set by the handler is held back while buffering (the filter sets the
 * real one).
 *
 * <p>A flush sends what the buffer holds to the client at once, and the buffer keeps it: a handler
 * that flushes once it has written everything (Spring MVC ends a {@code ResponseEntity} with {@code
 * flushBuffer()}) still produces a response that can be stored, already {@linkplain #sentEarly()
 * sent}. Only a write after a flush makes it streaming.
 *
 * <p>A write to the client that fails (it went away, or its connection broke) is {@linkplain
 * #clientFailure() recorded}: it belongs to this request's connection, not to the handler's
 * output. A flush that fails while the body is buffered does not throw: the buffer keeps the body,
 * so a handler that ends with a flush still produces a whole response, which other requests may be
 * given; the handler sees the failure at its next write to the client (a write after the flush,
 * which streams, or its next flush). Once a write to the client failed, every later write or flush
 * throws that failure again (through {@link #getWriter()}, whose {@code PrintWriter} keeps
 * exceptions to itself, it shows as {@code checkError()}).
 *
 * <p>The writer encodes each write into the buffer at once and holds no bytes of its own, so that
 * {@link #resetBuffer()}, {@link #reset()} and {@code sendError} discard everything written before
 * them, also through a writer reference the handler kept, and nothing needs an internal flush (which
 * the buffer would take for the handler's). After {@link #reset()} the handler may choose the writer
 * or the stream again (Servlet 6). Once it took the writer, a charset that {@link #setContentType},
 * a {@code Content-Type} header or {@link #setCharacterEncoding} names is ignored, as the Servlet
 * spec says: the real response never learns of the writer (its body goes through the stream), so it
 * would take it, and the header would disagree with the bytes. ({@code setLocale} needs nothing:
 * {@link #getWriter()} sets the charset explicitly, which a locale never overrides.)
 *
 * <p>Invariants: {@code sent} bytes at the start of {@code buffer} have been written to the real
 * response, and {@code flushed} means the real response is committed; {@code buffer} is null
 * exactly when {@code passedThrough}; {@code writer} and {@code writerCharset} are set exactly when
 * the handler chose the writer since the last reset, and then {@code streamChosen} is false.
 *
 * <p>Used by one request's thread (or the threads the container hands an async request to, one at
 * a time); not thread-safe.
 */
final class CapturingResponse extends HttpServletResponseWrapper {
  private final int limit;
  private @Nullable ByteArrayOutputStream buffer = new ByteArrayOutputStream(1024);
  private boolean passedThrough;
  /** Whether the handler flushed while its body was being buffered. */
  private boolean flushed;
  /** How many bytes at the start of the buffer went to the client with a flush. */
  private int sent;
  private boolean cookieAdded;
  private long contentLength = -1;
  private final CaptureStream stream = new CaptureStream();
  private boolean streamChosen;
  private @Nullable EncodingWriter encoding;
  private @Nullable PrintWriter writer;
  /** The charset {@code writer} encodes in; set with it. */
  private @Nullable String writerCharset;
  private @Nullable IOException clientFailure;

  CapturingResponse(HttpServletResponse response, int limit) {
    super(response);
    this.limit = limit;
  }

  /** Whether the body went (or goes) straight to the client: this response is not stored. */
  boolean passedThrough() {
    return passedThrough;
  }

  /**
   * Whether the handler flushed while its body was buffered, so that the client has the response
   * (status, headers and the body written so far) already: the filter must not write it again.
   */
  boolean sentEarly() {
    return flushed;
  }

  /** Whether the handler added a cookie through {@link #addCookie}. */
  boolean cookieAdded() {
    return cookieAdded;
  }

  /**
   * Returns the failure of a write to the client during this response, or {@code null} if none
   * failed: the client went away (or its connection broke), so the failure is this request's own.
   */
  @Nullable IOException clientFailure() {
    return clientFailure;
  }

  /** Ends the handler's writing; returns the body, or {@code null} if passed through. */
  byte @Nullable [] finish() {
    return passedThrough || buffer == null ? null : buffer.toByteArray();
  }

  /** Gives up the buffer: what it holds goes to the client, and so will everything after it. */
  void passThrough() throws IOException {
    if (passedThrough) {
      return;
    }
    passedThrough = true;
    if (contentLength >= 0 && !flushed) {
      super.setContentLengthLong(contentLength);
    }
    ByteArrayOutputStream held = buffer;
    buffer = null;
    if (held != null) {
      sendUnsent(held);
    }
  }

  /** Writes to the client what {@code held} has beyond the {@code sent} bytes it already sent. */
  private void sendUnsent(ByteArrayOutputStream held) throws IOException {
    if (held.size() > sent) {
      byte[] bytes = held.toByteArray();
      try {
        client().write(bytes, sent, bytes.length - sent);
      } catch (IOException e) {
        throw clientFailed(e);
      }
      sent = bytes.length;
    }
  }

  /** Returns the real response's stream, or throws the failure of an earlier write to the client. */
  private ServletOutputStream client() throws IOException {
    IOException failure = clientFailure;
    if (failure != null) {
      throw failure;
    }
    return super.getOutputStream();
  }

  /** Records {@code e}, the failure of a write to the client, unless one is recorded; returns it. */
  private IOException clientFailed(IOException e) {
    if (clientFailure == null) {
      clientFailure = e;
    }
    return e;
  }

  /**
   * The handler flushed: sends what the buffer holds and has not been sent yet, and the buffer keeps
   * it, so that a response complete at its flush can still be stored. If the client is gone, the
   * failure is recorded, not thrown: the handler's body is whole in the buffer all the same.
   */
  private void flushBuffered() throws IOException {
    if (!flushed && contentLength >= 0) {
      super.setContentLengthLong(contentLength); // the response commits now, with the handler's length
    }
    flushed = true;
    IOException earlier = clientFailure;
    if (earlier != null) {
      // Gone at an earlier flush: only that first failure is kept from the handler, so that a
      // handler which learns of a disconnect only by flushing (a writer's checkError()) does.
      throw earlier;
    }
    try {
      ByteArrayOutputStream held = buffer;
      if (held != null) {
        sendUnsent(held);
      }
      super.getOutputStream().flush();
    } catch (IOException e) {
      clientFailed(e); // thrown at the handler's next write to the client, if it makes one
    }
  }

  @Override
  public ServletOutputStream getOutputStream() throws IOException {
    if (writer != null) {
      throw new IllegalStateException("getWriter() was already called on this response");
    }
    streamChosen = true;
    return stream;
  }

  @Override
  public PrintWriter getWriter() throws IOException {
    if (writer == null) {
      if (streamChosen) {
        throw new IllegalStateException("getOutputStream() was already called on this response");
      }
      String charset = getCharacterEncoding();
      super.setCharacterEncoding(charset); // as the container's own getWriter() would: the charset goes into Content-Type
      encoding = new EncodingWriter(stream, Charset.forName(charset));
      writer = new PrintWriter(encoding, false);
      writerCharset = charset;
    }
    return writer;
  }

  @Override
  public void flushBuffer() throws IOException {
    if (passedThrough) {
      try {
        client(); // throws an earlier failure
        super.flushBuffer();
      } catch (IOException e) {
        throw clientFailed(e);
      }
      return;
    }
    flushBuffered();
    if (clientFailure == null) {
      try {
        super.flushBuffer();
      } catch (IOException e) {
        clientFailed(e); // as in flushBuffered: recorded, not thrown
      }
    }
  }

  @Override
  public void resetBuffer() {
    if (isCommitted()) {
      super.resetBuffer(); // the container refuses, as it would without this wrapper
      return;
    }
    discardPendingChar();
    if (passedThrough) {
      super.resetBuffer(); // what passed through is still in the container's buffer
    } else if (buffer != null) {
      buffer.reset();
    }
  }

  @Override
  public void reset() {
    super.reset(); // after a flush the response is committed, and this throws
    discardPendingChar();
    if (!passedThrough && buffer != null) {
      buffer.reset();
    }
    contentLength = -1;
    cookieAdded = false;
    // Servlet 6: getWriter(), reset(), getOutputStream() is legal; a writer taken before still writes here.
    writer = null;
    writerCharset = null;
    encoding = null;
    streamChosen = false;
  }

  /** Drops a high surrogate the writer holds for its pair: it belongs to text being discarded. */
  private void discardPendingChar() {
    if (encoding != null) {
      encoding.discardPendingChar();
    }
  }

  @Override
  public void sendError(int sc, String msg) throws IOException {
    giveUp();
    super.sendError(sc, msg);
  }

  @Override
  public void sendError(int sc) throws IOException {
    giveUp();
    super.sendError(sc);
  }

  @Override
  public void sendRedirect(String location) throws IOException {
    giveUp();
    super.sendRedirect(location);
  }

  @Override
  public void sendRedirect(String location, int sc, boolean clearBuffer) throws IOException {
    giveUp();
    super.sendRedirect(location, sc, clearBuffer);
  }

  /** The container writes this response itself (error page, redirect): nothing of ours is sent. */
  private void giveUp() {
    discardPendingChar();
    passedThrough = true;
    buffer = null;
  }

  @Override
  public void addCookie(Cookie cookie) {
    cookieAdded = true;
    super.addCookie(cookie);
  }

  @Override
  public void setContentType(@Nullable String type) {
    String charset = writerCharset;
    if (charset == null || type == null) {
      super.setContentType(type);
      return;
    }
    super.setContentType(withoutCharset(type));
    super.setCharacterEncoding(charset);
  }

  @Override
  public void setCharacterEncoding(@Nullable String charset) {
    if (writerCharset == null) {
      super.setCharacterEncoding(charset);
    }
  }

  /** Returns {@code type} without its {@code charset} parameter. */
  private static String withoutCharset(String type) {
    StringBuilder kept = new StringBuilder();
    for (String part : type.split(";")) {
      String trimmed = part.trim();
      if (kept.length() == 0) {
        kept.append(trimmed);
      } else if (!trimmed.isEmpty() && !trimmed.toLowerCase(Locale.ROOT).startsWith("charset=")) {
        kept.append(';').append(trimmed);
      }
    }
    return kept.toString();
  }

  @Override
  public void setContentLength(int len) {
    setContentLengthLong(len);
  }

  @Override
  public void setContentLengthLong(long len) {
    if (passedThrough) {
      super.setContentLengthLong(len);
    } else {
      contentLength = len;
    }
  }

  @Override
  public void setHeader(String name, @Nullable String value) {
    if (isContentLength(name)) {
      setContentLengthLong(value == null ? -1 : parseLength(value));
    } else if (value != null && writerCharset != null && isContentType(name)) {
      setContentType(value);
    } else {
      super.setHeader(name, value);
    }
  }

  @Override
  public void addHeader(String name, @Nullable String value) {
    if (isContentLength(name)) {
      setContentLengthLong(value == null ? -1 : parseLength(value));
    } else if (value != null && writerCharset != null && isContentType(name)) {
      setContentType(value); // a response has one Content-Type
    } else {
      super.addHeader(name, value);
    }
  }

  @Override
  public void setIntHeader(String name, int value) {
    if (isContentLength(name)) {
      setContentLengthLong(value);
    } else {
      super.setIntHeader(name, value);
    }
  }

  @Override
  public void addIntHeader(String name, int value) {
    if (isContentLength(name)) {
      setContentLengthLong(value);
    } else {
      super.addIntHeader(name, value);
    }
  }

  private static boolean isContentLength(String name) {
    return name.toLowerCase(Locale.ROOT).equals("content-length");
  }

  private static boolean isContentType(String name) {
    return name.toLowerCase(Locale.ROOT).equals("content-type");
  }

  private static long parseLength(String value) {
    try {
      return Long.parseLong(value.trim());
    } catch (NumberFormatException e) {
      return -1;
    }
  }

  /** Writes into the buffer until it gives up, then to the real response. */
  private final class CaptureStream extends ServletOutputStream {
    @Override
    public void write(int b) throws IOException {
      if (!passedThrough && (flushed || buffer.size() + 1 > limit)) {
        passThrough(); // a write after a flush is streaming
      }
      if (passedThrough) {
        try {
          client().write(b);
        } catch (IOException e) {
          throw clientFailed(e);
        }
      } else {
        buffer.write(b);
      }
    }

    @Override
    public void write(byte[] bytes, int off, int len) throws IOException {
      if (!passedThrough && (flushed || buffer.size() + len > limit)) {
        passThrough(); // a write after a flush is streaming
      }
      if (passedThrough) {
        try {
          client().write(bytes, off, len);
        } catch (IOException e) {
          throw clientFailed(e);
        }
      } else {
        buffer.write(bytes, off, len);
      }
    }

    @Override
    public void flush() throws IOException {
      if (passedThrough) {
        try {
          client().flush();
        } catch (IOException e) {
          throw clientFailed(e);
        }
      } else {
        flushBuffered();
      }
    }

    @Override
    public boolean isReady() {
      return passedThrough ? readyOfRealStream() : true;
    }

    @Override
    public void setWriteListener(WriteListener listener) {
      try {
        passThrough();
        CapturingResponse.super.getOutputStream().setWriteListener(listener);
      } catch (IOException e) {
        throw new IllegalStateException(e);
      }
    }
  }

  private boolean readyOfRealStream() {
    try {
      return super.getOutputStream().isReady();
    } catch (IOException e) {
      return false;
    }
  }
}
