package io.squall.http;

import akka.http.javadsl.marshallers.jackson.Jackson;
import akka.http.javadsl.marshalling.Marshaller;
import akka.http.javadsl.model.RequestEntity;
import akka.http.javadsl.model.StatusCode;
import akka.http.javadsl.server.Directives;
import akka.http.javadsl.server.Route;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;

/** The one JSON mapping of the API: ISO-8601 dates, numbers as JSON numbers. */
public final class JsonSupport {
  public static final ObjectMapper MAPPER =
      new ObjectMapper()
          .registerModule(new JavaTimeModule())
          .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS);

  private JsonSupport() {}

  public static <T> Marshaller<T, RequestEntity> marshaller() {
    return Jackson.marshaller(MAPPER);
  }

  /** The API's error body: {@code {"error": ..., "detail": ...}}. */
  public record ErrorBody(String error, String detail) {}

  /** Completes with the API's error body. */
  public static Route error(StatusCode status, String error, String detail) {
    return Directives.complete(status, new ErrorBody(error, detail), marshaller());
  }
}
