package io.squall.http;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import io.squall.projections.ProjectionLag;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The body of {@code GET /api/v1/projections} as a client reads it. */
class ProjectionRoutesTest {

  @Test
  void shouldShowEachSlicesLagWithTheContractFieldsAndWhetherTheCountWasCapped() {
    Instant offset = Instant.parse("2026-11-29T10:00:00Z");
    ProjectionRoutes.Projection projection =
        new ProjectionRoutes.Projection(
            "aggregates",
            16,
            List.of(
                new ProjectionLag.VersionStatus(
                    1,
                    "serving",
                    List.of(
                        new ProjectionLag.SliceLag("slice-3", offset, 0.5, 0, false),
                        new ProjectionLag.SliceLag("slice-7", offset, 259_200.0, 1000, true)))));

    JsonNode body = JsonSupport.MAPPER.valueToTree(List.of(projection));

    JsonNode version = body.get(0).get("versions").get(0);
    assertEquals("aggregates", body.get(0).get("name").asText());
    assertEquals(16, body.get(0).get("slices").asInt());
    assertEquals(1, version.get("version").asInt());
    assertEquals("serving", version.get("role").asText());
    JsonNode caughtUp = version.get("slices").get(0);
    assertEquals("slice-3", caughtUp.get("slice").asText());
    assertEquals("2026-11-29T10:00:00Z", caughtUp.get("offsetTime").asText());
    assertEquals(0.5, caughtUp.get("lagSeconds").asDouble());
    assertEquals(0, caughtUp.get("lagEvents").asLong());
    assertEquals(false, caughtUp.get("lagEventsCapped").asBoolean());
    JsonNode daysBehind = version.get("slices").get(1);
    assertEquals(1000, daysBehind.get("lagEvents").asLong());
    assertEquals(true, daysBehind.get("lagEventsCapped").asBoolean());
    assertEquals(true, daysBehind.get("lagEvents").isNumber());
  }
}
