package io.squall.http;

import akka.http.javadsl.model.ContentTypes;
import akka.http.javadsl.model.HttpEntities;
import akka.http.javadsl.model.HttpEntity;
import akka.http.javadsl.model.HttpResponse;
import akka.http.javadsl.model.StatusCode;
import akka.http.javadsl.model.StatusCodes;
import akka.http.javadsl.server.ExceptionHandler;
import akka.http.javadsl.server.RejectionHandler;
import akka.http.javadsl.server.Route;
import com.fasterxml.jackson.core.JsonProcessingException;
import java.util.Locale;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Every error the API answers is JSON {@code {"error", "detail"}}: Akka HTTP's own rejections
 * (unknown path, wrong method, ...) are rewritten, and an unexpected failure never shows a stack.
 */
public final class ApiErrors {
  private static final Logger log = LoggerFactory.getLogger(ApiErrors.class);

  private ApiErrors() {}

  /** {@code routes} with the API's error answers for whatever they reject or throw. */
  public static Route seal(Route routes) {
    return routes.seal(rejections(), exceptions());
  }

  static RejectionHandler rejections() {
    return RejectionHandler.defaultHandler().mapRejectionResponse(ApiErrors::asJson);
  }

  static ExceptionHandler exceptions() {
    return ExceptionHandler.newBuilder()
        .matchAny(
            failure -> {
              log.error("Squall could not answer a request", failure);
              return JsonSupport.error(
                  StatusCodes.INTERNAL_SERVER_ERROR,
                  "internal error",
                  "Squall could not answer this request; the node's log has the cause");
            })
        .build();
  }

  private static HttpResponse asJson(HttpResponse response) {
    if (response.entity().getContentType().equals(ContentTypes.APPLICATION_JSON)) {
      return response;
    }
    String detail =
        response.entity() instanceof HttpEntity.Strict strict
            ? strict.getData().utf8String()
            : response.status().defaultMessage();
    return response.withEntity(body(response.status(), detail));
  }

  /** The JSON body of an error with {@code status}, named by the status' reason phrase. */
  static HttpEntity.Strict body(StatusCode status, String detail) {
    String error = status.reason().toLowerCase(Locale.ROOT);
    try {
      return HttpEntities.create(
          ContentTypes.APPLICATION_JSON,
          JsonSupport.MAPPER.writeValueAsBytes(new JsonSupport.ErrorBody(error, detail)));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("error body could not be written as JSON", e);
    }
  }
}
