package io.squall.node;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigResolveOptions;
import org.junit.jupiter.api.Test;

/** What {@code squall status} and {@code squall rebuild} call when not told where. */
class OwnEndpointsTest {
  /** The node's own settings, whatever this shell's environment says. */
  private static final Config DEFAULTS =
      ConfigFactory.parseResourcesAnySyntax("application")
          .withFallback(ConfigFactory.defaultReferenceUnresolved())
          .resolve(ConfigResolveOptions.noSystem());

  @Test
  void shouldCallTheLoopbackOfANodeOnEveryInterface() {
    Config local = DEFAULTS;
    assertEquals("http://127.0.0.1:8080/api/v1", OwnEndpoints.api(local));
    assertEquals("http://127.0.0.1:8558", OwnEndpoints.management(local));

    Config everywhere =
        settings("squall.http.interface = \"0.0.0.0\"", "squall.http.port = 9080")
            .withFallback(local);
    assertEquals("http://127.0.0.1:9080/api/v1", OwnEndpoints.api(everywhere));
  }

  @Test
  void shouldCallAPodsNodeAtTheAddressItBinds() {
    // as the Deployment sets them: management on the pod's IP, the API over HTTPS
    Config pod =
        settings(
                "akka.management.http.hostname = \"10.244.1.17\"",
                "akka.management.http.port = 8559",
                "squall.http.interface = \"fd00::17\"",
                "squall.http.tls-dir = \"/etc/squall/api-tls\"")
            .withFallback(DEFAULTS);

    assertEquals("http://10.244.1.17:8559", OwnEndpoints.management(pod));
    assertEquals("https://[fd00::17]:8080/api/v1", OwnEndpoints.api(pod));
  }

  private static Config settings(String... lines) {
    return ConfigFactory.parseString(String.join("\n", lines));
  }
}
