package io.squall.sharding;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import io.squall.persistence.Reading;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * A request body of readings, split into records that are decoded exactly as the consumer will
 * decode them ({@link SourceFormat#decode}), so what a request accepts the pipeline takes. At most
 * {@link #MAX_BODY_LINES} records; a JSON element is measured before it is parsed.
 */
public final class ReadingsBody {
  /** Most lines (ISD-lite) or array elements (JSON) one request body may hold. */
  public static final int MAX_BODY_LINES = 10_000;

  /** Most rejected lines one answer lists; the rest are only counted. */
  public static final int MAX_LISTED_REJECTIONS = 100;

  private static final JsonFactory JSON = new JsonFactory();

  private ReadingsBody() {}

  /** A valid reading and the bytes that go to Kafka for it. */
  public record Valid(Reading reading, byte[] value) {}

  /** A rejected line (1-based) or array element, and why. */
  public record Rejected(int line, String reason) {}

  /**
   * The body's valid readings and its first {@link #MAX_LISTED_REJECTIONS} rejections; {@code
   * rejectedCount} counts them all.
   */
  public record Decoded(List<Valid> valid, List<Rejected> rejected, int rejectedCount) {}

  private static final class Builder {
    private final List<Valid> valid = new ArrayList<>();
    private final List<Rejected> rejected = new ArrayList<>();
    private int rejectedCount;
    private int records;

    void add(int line, SourceFormat format, byte[] value) {
      count();
      try {
        valid.add(new Valid(format.decode(value), value));
      } catch (BadReadingException e) {
        reject(line, e.getMessage());
      }
    }

    void count() {
      if (++records > MAX_BODY_LINES) {
        throw new BadBodyException(
            "the body holds more than "
                + MAX_BODY_LINES
                + " readings; send at most "
                + MAX_BODY_LINES
                + " per request",
            true);
      }
    }

    void reject(int line, String reason) {
      rejectedCount++;
      if (rejected.size() < MAX_LISTED_REJECTIONS) {
        rejected.add(new Rejected(line, reason));
      }
    }

    Decoded build() {
      return new Decoded(List.copyOf(valid), List.copyOf(rejected), rejectedCount);
    }
  }

  /** ISD-lite lines; a blank last line (the final newline) is not a line. */
  public static Decoded isdLite(String body) {
    Builder decoded = new Builder();
    int line = 0;
    for (int start = 0; start < body.length(); ) {
      int newline = body.indexOf('\n', start);
      int end = newline < 0 ? body.length() : newline;
      int next = newline < 0 ? body.length() : newline + 1;
      String text =
          body.substring(start, end > start && body.charAt(end - 1) == '\r' ? end - 1 : end);
      line++;
      if (!(newline < 0 && text.isBlank())) {
        decoded.add(line, SourceFormat.ISD_LITE, text.getBytes(StandardCharsets.UTF_8));
      }
      start = next;
    }
    return decoded.build();
  }

  /**
   * One JSON reading or an array of them; element {@code n} (1-based) is "line" n. Each element's
   * own text is what goes to Kafka, so it is checked against the record size before it is parsed.
   */
  public static Decoded json(String body) {
    Builder decoded = new Builder();
    try (JsonParser parser = JSON.createParser(body)) {
      JsonToken first = parser.nextToken();
      if (first == JsonToken.START_ARRAY) {
        int line = 0;
        for (JsonToken token = parser.nextToken();
            token != JsonToken.END_ARRAY;
            token = parser.nextToken()) {
          if (token == null) {
            throw new BadBodyException(
                "the body is not valid JSON: the array is not closed", false);
          }
          element(parser, token, body, ++line, decoded);
        }
      } else if (first != null) {
        element(parser, first, body, 1, decoded);
      }
      if (parser.nextToken() != null) {
        throw new BadBodyException(
            "the body is not valid JSON: more than one value (send an array of readings)", false);
      }
    } catch (JsonProcessingException e) {
      String message = e.getOriginalMessage();
      throw new BadBodyException(
          "the body is not valid JSON: "
              + (message.length() <= 200 ? message : message.substring(0, 200) + "…"),
          false);
    } catch (IOException e) {
      throw new UncheckedIOException(e); // a String never fails to read
    }
    return decoded.build();
  }

  private static void element(
      JsonParser parser, JsonToken token, String body, int line, Builder decoded)
      throws IOException {
    if (token != JsonToken.START_OBJECT) {
      parser.skipChildren();
      decoded.count();
      decoded.reject(line, "not a JSON object");
      return;
    }
    int start = (int) parser.getTokenLocation().getCharOffset();
    parser.skipChildren();
    int end = (int) parser.getCurrentLocation().getCharOffset();
    decoded.add(
        line, SourceFormat.JSON, body.substring(start, end).getBytes(StandardCharsets.UTF_8));
  }
}
