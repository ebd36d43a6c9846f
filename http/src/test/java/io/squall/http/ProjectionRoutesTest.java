package io.squall.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.squall.projections.AggregatesProjection;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The body of {@code GET /api/v1/projections} as a client reads it. */
class ProjectionRoutesTest {

  @Test
  void shouldShowWhatEachVersionStillHasToWriteAndTheRebuildsProgress() {
    ProjectionRoutes.Projection projection =
        new ProjectionRoutes.Projection(
            "aggregates",
            List.of(
                new AggregatesProjection.VersionStatus(1, "serving", 2, 2L, 0.25, null),
                new AggregatesProjection.VersionStatus(
                    2,
                    "building",
                    40,
                    null,
                    null,
                    new AggregatesProjection.Rebuild(
                        Instant.parse("2026-12-06T10:00:00Z"), 60, 100, 123_456))));

    JsonNode body = JsonSupport.MAPPER.valueToTree(List.of(projection));

    assertEquals("aggregates", body.get(0).get("name").asText());
    JsonNode serving = body.get(0).get("versions").get(0);
    assertEquals(1, serving.get("version").asInt());
    assertEquals("serving", serving.get("state").asText());
    assertEquals(2, serving.get("devicesPending").asLong());
    assertEquals(2, serving.get("eventsPending").asLong());
    assertEquals(0.25, serving.get("oldestPendingSeconds").asDouble());
    assertTrue(serving.get("rebuild").isNull());
    JsonNode building = body.get(0).get("versions").get(1);
    assertEquals("building", building.get("state").asText());
    assertEquals(40, building.get("devicesPending").asLong());
    assertTrue(building.get("eventsPending").isNull(), "not known before a device is replayed");
    JsonNode rebuild = building.get("rebuild");
    assertEquals("2026-12-06T10:00:00Z", rebuild.get("startedAt").asText());
    assertEquals(60, rebuild.get("devicesDone").asLong());
    assertEquals(100, rebuild.get("devicesTotal").asLong());
    assertEquals(123_456, rebuild.get("eventsDone").asLong());
  }
}
