package dev.cascade.examples.spring;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Map;
import org.springframework.boot.SpringApplication;
import org.springframework.context.ConfigurableApplicationContext;

/** One running instance of the example and a plain HTTP client to call it. */
final class Http implements AutoCloseable {
  private static final HttpClient CLIENT = HttpClient.newHttpClient();
  private final ConfigurableApplicationContext app;
  private final String base;

  private Http(ConfigurableApplicationContext app) {
    this.app = app;
    this.base = "http://127.0.0.1:" + app.getEnvironment().getProperty("local.server.port");
  }

  /** Starts the example on a free port with {@code properties} on top of its own. */
  static Http start(Map<String, Object> properties) {
    SpringApplication application = new SpringApplication(SpringExample.class);
    application.setDefaultProperties(properties);
    return new Http(application.run("--server.port=0"));
  }

  HttpResponse<String> get(String path, String... headers) throws IOException, InterruptedException {
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base + path));
    if (headers.length > 0) {
      request.headers(headers);
    }
    return CLIENT.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  HttpResponse<String> post(String path) throws IOException, InterruptedException {
    return CLIENT.send(
        HttpRequest.newBuilder(URI.create(base + path)).POST(HttpRequest.BodyPublishers.noBody()).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  int queries() {
    return app.getBean(Catalog.class).queries();
  }

  @Override
  public void close() {
    app.close();
  }
}
