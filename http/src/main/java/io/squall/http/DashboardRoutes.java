package io.squall.http;

import static akka.http.javadsl.server.Directives.concat;
import static akka.http.javadsl.server.Directives.get;
import static akka.http.javadsl.server.Directives.getFromResource;
import static akka.http.javadsl.server.Directives.getFromResourceDirectory;
import static akka.http.javadsl.server.Directives.pathPrefix;
import static akka.http.javadsl.server.Directives.pathSingleSlash;

import akka.http.javadsl.server.Route;

/**
 * The dashboard page at {@code /}: static files from the jar, and the charting library from its
 * WebJar ({@code /webjars/...}); the page reads everything it shows from the API.
 */
public final class DashboardRoutes {
  private static final String FILES = "io/squall/http/dashboard";

  private DashboardRoutes() {}

  public static Route create() {
    return get(
        () ->
            concat(
                pathSingleSlash(() -> getFromResource(FILES + "/index.html")),
                pathPrefix("dashboard", () -> getFromResourceDirectory(FILES)),
                pathPrefix(
                    "webjars", () -> getFromResourceDirectory("META-INF/resources/webjars"))));
  }
}
