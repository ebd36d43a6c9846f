package io.squall.node;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.http.HttpResponse;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code squall rebuild}: asks a running cluster to rebuild the aggregate tables. */
@Command(
    name = "rebuild",
    mixinStandardHelpOptions = true,
    versionProvider = Cli.Version.class,
    description =
        "Builds the next version of the aggregate tables from every device's journal; the current version keeps serving until every device is done.")
final class RebuildCommand implements Callable<Integer> {
  @Mixin ApiClient api;

  @Spec CommandSpec spec;

  @Override
  public Integer call() throws Exception {
    HttpResponse<String> response = api.send("POST", "/projections/aggregates/rebuild");
    JsonNode body = new ObjectMapper().readTree(response.body());
    spec.commandLine()
        .getOut()
        .println(body.has("detail") ? body.get("detail").asText() : response.body());
    return response.statusCode() == 202 ? 0 : 1;
  }
}
