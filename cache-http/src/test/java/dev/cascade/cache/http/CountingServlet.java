package dev.cascade.cache.http;

import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.concurrent.atomic.AtomicInteger;

/** A servlet that counts how often it ran and answers as its body says; the handler under test. */
final class CountingServlet extends HttpServlet {
  private static final long serialVersionUID = 1L;

  /** What the servlet does for one request; {@code run} is its 1-based run number. */
  @FunctionalInterface
  interface Body {
    void handle(HttpServletRequest request, HttpServletResponse response, int run) throws IOException, ServletException;
  }

  final transient AtomicInteger runs = new AtomicInteger();
  private final transient Body body;

  CountingServlet(Body body) {
    this.body = body;
  }

  /** A servlet that answers {@code text/plain} "run N of <path>?<query>". */
  static CountingServlet echo() {
    return new CountingServlet((request, response, run) -> {
      response.setContentType("text/plain;charset=utf-8");
      response.getWriter().print("run " + run + " of " + request.getRequestURI() + "?" + request.getQueryString());
    });
  }

  @Override
  protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException, ServletException {
    body.handle(request, response, runs.incrementAndGet());
  }
}
