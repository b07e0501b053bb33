package dev.cascade.cache.http;

import jakarta.servlet.ServletOutputStream;
import jakarta.servlet.WriteListener;
import jakarta.servlet.http.Cookie;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.HttpServletResponseWrapper;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.nio.charset.Charset;
import java.util.Locale;
import org.jspecify.annotations.Nullable;

/**
 * The response a handler writes while its output may be stored: headers and status go to the real
 * response at once, the body into a buffer of at most {@code limit} bytes. The buffer is given up —
 * its bytes written to the real response and every later byte passed straight through — when the
 * body outgrows the limit, when the handler flushes (it is streaming), or when it sends an error or
 * a redirect; such a response is {@linkplain #passedThrough() passed through} and never stored.
 * Content length set by the handler is held back while buffering (the filter sets the real one).
 *
 * <p>Used by one request's thread (or the threads the container hands an async request to, one at
 * a time); not thread-safe.
 */
final class CapturingResponse extends HttpServletResponseWrapper {
  private final int limit;
  private @Nullable ByteArrayOutputStream buffer = new ByteArrayOutputStream(1024);
  private boolean passedThrough;
  private boolean finishing;
  private boolean cookieAdded;
  private long contentLength = -1;
  private @Nullable CaptureStream stream;
  private @Nullable PrintWriter writer;

  CapturingResponse(HttpServletResponse response, int limit) {
    super(response);
    this.limit = limit;
  }

  /** Whether the body went (or goes) straight to the client: this response is not stored. */
  boolean passedThrough() {
    return passedThrough;
  }

  /** Whether the handler added a cookie through {@link #addCookie}. */
  boolean cookieAdded() {
    return cookieAdded;
  }

  /** Ends the handler's writing: flushes its writer into the buffer; returns the body, or {@code null} if passed through. */
  byte @Nullable [] finish() throws IOException {
    finishing = true;
    if (writer != null) {
      writer.flush();
    }
    finishing = false;
    return passedThrough || buffer == null ? null : buffer.toByteArray();
  }

  /** Gives up the buffer: what it holds goes to the client, and so will everything after it. */
  void passThrough() throws IOException {
    if (passedThrough) {
      return;
    }
    passedThrough = true;
    if (contentLength >= 0) {
      super.setContentLengthLong(contentLength);
    }
    ByteArrayOutputStream held = buffer;
    buffer = null;
    if (held != null && held.size() > 0) {
      super.getOutputStream().write(held.toByteArray());
    }
  }

  @Override
  public ServletOutputStream getOutputStream() throws IOException {
    if (writer != null) {
      throw new IllegalStateException("getWriter() was already called on this response");
    }
    if (stream == null) {
      stream = new CaptureStream();
    }
    return stream;
  }

  @Override
  public PrintWriter getWriter() throws IOException {
    if (writer == null) {
      if (stream != null) {
        throw new IllegalStateException("getOutputStream() was already called on this response");
      }
      String encoding = getCharacterEncoding();
      super.setCharacterEncoding(encoding); // as the container's own getWriter() would: the charset goes into Content-Type
      stream = new CaptureStream();
      writer = new PrintWriter(new OutputStreamWriter(stream, Charset.forName(encoding)), false);
    }
    return writer;
  }

  @Override
  public void flushBuffer() throws IOException {
    if (writer != null) {
      writer.flush();
    }
    passThrough();
    super.flushBuffer();
  }

  @Override
  public void resetBuffer() {
    if (passedThrough) {
      super.resetBuffer();
    } else if (buffer != null) {
      buffer.reset();
    }
  }

  @Override
  public void reset() {
    super.reset();
    if (!passedThrough && buffer != null) {
      buffer.reset();
    }
    contentLength = -1;
    cookieAdded = false;
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
    passedThrough = true;
    buffer = null;
  }

  @Override
  public void addCookie(Cookie cookie) {
    cookieAdded = true;
    super.addCookie(cookie);
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
    } else {
      super.setHeader(name, value);
    }
  }

  @Override
  public void addHeader(String name, @Nullable String value) {
    if (isContentLength(name)) {
      setContentLengthLong(value == null ? -1 : parseLength(value));
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
      if (!passedThrough && buffer != null && buffer.size() + 1 > limit) {
        passThrough();
      }
      if (passedThrough) {
        CapturingResponse.super.getOutputStream().write(b);
      } else {
        buffer.write(b);
      }
    }

    @Override
    public void write(byte[] bytes, int off, int len) throws IOException {
      if (!passedThrough && buffer != null && buffer.size() + len > limit) {
        passThrough();
      }
      if (passedThrough) {
        CapturingResponse.super.getOutputStream().write(bytes, off, len);
      } else {
        buffer.write(bytes, off, len);
      }
    }

    @Override
    public void flush() throws IOException {
      if (finishing) {
        return;
      }
      passThrough();
      CapturingResponse.super.getOutputStream().flush();
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
