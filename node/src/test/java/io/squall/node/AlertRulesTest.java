package io.squall.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.squall.persistence.testing.LocalInfra;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/**
 * The alerts of {@code k8s/monitoring}, through Debian's promtool: the rules file is valid, each
 * alert fires, and stays silent, as its unit tests in {@code alert-rules.test.yaml} expect, and the
 * PrometheusRule the Operator loads holds the very same groups.
 */
class AlertRulesTest {
  private static final String RULES = "k8s/monitoring/alert-rules.yaml";
  private static final String RULE_TESTS = "k8s/monitoring/alert-rules.test.yaml";
  private static final String PROMETHEUS_RULE = "k8s/monitoring/prometheus-rule.yaml";
  private static final Path PROMTOOL = Path.of("/usr/bin/promtool");

  @Test
  void shouldPassPromtoolsCheckOfTheRulesFile() throws Exception {
    promtool("check", "rules", RULES);
  }

  @Test
  void shouldFireEachAlertWhenItsUnitTestsExpectAndOnlyThen() throws Exception {
    promtool("test", "rules", RULE_TESTS);
  }

  @Test
  void shouldShipTheOperatorTheSameGroupsAsThePlainRulesFile() throws IOException {
    Map<String, Object> operator = yaml(PROMETHEUS_RULE);
    assertEquals("PrometheusRule", operator.get("kind"));
    assertEquals(
        yaml(RULES).get("groups"),
        map(operator.get("spec")).get("groups"),
        PROMETHEUS_RULE + "'s spec.groups must be " + RULES + "'s groups, unchanged");
  }

  @Test
  void shouldTestEveryAlertBothFiringAndSilent() throws IOException {
    List<Map<String, Object>> evaluations = new ArrayList<>();
    for (Object test : list(yaml(RULE_TESTS).get("tests"))) {
      list(map(test).get("alert_rule_test")).forEach(e -> evaluations.add(map(e)));
    }
    List<String> untested = new ArrayList<>();
    for (Map<String, Object> rule : rules()) {
      String alert = (String) rule.get("alert");
      List<Map<String, Object>> own =
          evaluations.stream().filter(e -> alert.equals(e.get("alertname"))).toList();
      if (own.stream().noneMatch(e -> !list(e.get("exp_alerts")).isEmpty())) {
        untested.add(alert + " never expected to fire");
      }
      if (own.stream().noneMatch(e -> list(e.get("exp_alerts")).isEmpty())) {
        untested.add(alert + " never expected to stay silent");
      }
    }
    assertEquals(List.of(), untested, RULE_TESTS);
  }

  @Test
  void shouldGiveEveryAlertASeverityASummaryADescriptionAndAFor() throws IOException {
    List<String> incomplete = new ArrayList<>();
    for (Map<String, Object> rule : rules()) {
      Object severity = map(rule.getOrDefault("labels", Map.of())).get("severity");
      Map<String, Object> annotations = map(rule.getOrDefault("annotations", Map.of()));
      if (!List.of("critical", "warning").contains(severity)
          || !annotations.containsKey("summary")
          || !annotations.containsKey("description")
          || !rule.containsKey("for")) {
        incomplete.add((String) rule.get("alert"));
      }
    }
    assertEquals(List.of(), incomplete, "alerts without severity, summary, description or for");
  }

  /** Runs Debian's promtool in the project's root; fails showing what it printed. */
  private static void promtool(String... args) throws Exception {
    assertTrue(
        Files.isExecutable(PROMTOOL),
        "the alert rules' test needs promtool from Debian's prometheus package"
            + " (apt-get install prometheus; .ci/run installs it)");
    List<String> command = new ArrayList<>(List.of(PROMTOOL.toString()));
    command.addAll(List.of(args));
    Path output = Files.createTempFile("promtool", ".log");
    try {
      Process process =
          new ProcessBuilder(command)
              .directory(LocalInfra.projectDir().toFile())
              .redirectErrorStream(true)
              .redirectOutput(output.toFile())
              .start();
      boolean exited = process.waitFor(60, TimeUnit.SECONDS);
      process.destroyForcibly();
      String said = String.join(" ", command) + " says:\n" + Files.readString(output);
      assertTrue(exited, "no answer within 60 s; " + said);
      assertEquals(0, process.exitValue(), said);
    } finally {
      Files.delete(output);
    }
  }

  private static List<Map<String, Object>> rules() throws IOException {
    List<Map<String, Object>> rules = new ArrayList<>();
    for (Object group : list(yaml(RULES).get("groups"))) {
      list(map(group).get("rules")).forEach(rule -> rules.add(map(rule)));
    }
    return rules;
  }

  private static Map<String, Object> yaml(String file) throws IOException {
    return new Yaml(new SafeConstructor(new LoaderOptions()))
        .load(Files.readString(LocalInfra.projectDir().resolve(file)));
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> map(Object node) {
    return (Map<String, Object>) node;
  }

  private static List<?> list(Object node) {
    return node == null ? List.of() : (List<?>) node;
  }
}
