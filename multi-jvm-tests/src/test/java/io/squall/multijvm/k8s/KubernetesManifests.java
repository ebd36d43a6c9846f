package io.squall.multijvm.k8s;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.fabric8.kubernetes.api.model.rbac.Role;
import io.fabric8.kubernetes.api.model.rbac.RoleBinding;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import tools.jackson.databind.BeanDescription;
import tools.jackson.databind.DeserializationConfig;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.deser.BeanDeserializerBuilder;
import tools.jackson.databind.deser.ValueDeserializerModifier;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.module.SimpleModule;
import tools.jackson.databind.node.ObjectNode;
import tools.jackson.dataformat.yaml.YAMLMapper;

/**
 * Renders a kustomize directory as {@code kubectl kustomize} does, for the features Squall's
 * overlays use (resources, namespace, replicas, images, configMapGenerator merging literals), and
 * fails on any other. Every object is bound strictly: a field Kubernetes does not know fails here,
 * where {@code kubectl apply} would drop it or reject it.
 */
public final class KubernetesManifests {
  private static final Set<String> KUSTOMIZATION_FIELDS =
      Set.of(
          "apiVersion",
          "kind",
          "resources",
          "namespace",
          "replicas",
          "images",
          "configMapGenerator");

  /** The kinds Squall ships, all namespaced; any other kind fails the render. */
  private static final Map<String, Class<? extends HasMetadata>> KINDS =
      Map.of(
          "v1/ServiceAccount", ServiceAccount.class,
          "v1/ConfigMap", ConfigMap.class,
          "v1/Service", Service.class,
          "rbac.authorization.k8s.io/v1/Role", Role.class,
          "rbac.authorization.k8s.io/v1/RoleBinding", RoleBinding.class,
          "apps/v1/Deployment", Deployment.class,
          "batch/v1/Job", Job.class,
          "policy/v1/PodDisruptionBudget", PodDisruptionBudget.class);

  private static final YAMLMapper YAML = YAMLMapper.builder().build();

  /**
   * The model keeps unknown fields in "additionalProperties" through an any-setter; without it,
   * FAIL_ON_UNKNOWN_PROPERTIES names the field and where it is.
   */
  private static final ObjectMapper MODEL =
      JsonMapper.builder()
          .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
          .addModule(
              new SimpleModule("strict-kubernetes-model")
                  .setDeserializerModifier(
                      new ValueDeserializerModifier() {
                        @Override
                        public BeanDeserializerBuilder updateBuilder(
                            DeserializationConfig config,
                            BeanDescription.Supplier bean,
                            BeanDeserializerBuilder builder) {
                          builder.setAnySetter(null);
                          return builder;
                        }
                      }))
          .build();

  private KubernetesManifests() {}

  /**
   * The objects {@code kubectl apply -k dir} would send, in the order the kustomizations list them.
   */
  public static List<HasMetadata> render(Path dir) {
    return build(dir).stream().map(KubernetesManifests::toModel).toList();
  }

  /** Every object of a multi-document YAML text (such as {@code kubectl kustomize}'s output). */
  public static List<HasMetadata> parse(String yaml) {
    return documents(yaml, "text").stream().map(KubernetesManifests::toModel).toList();
  }

  private static List<ObjectNode> build(Path dir) {
    Path file = dir.resolve("kustomization.yaml");
    if (!Files.isRegularFile(file)) {
      throw new IllegalArgumentException(dir + " has no kustomization.yaml");
    }
    List<ObjectNode> kustomizations = documents(read(file), file.toString());
    if (kustomizations.size() != 1) {
      throw new IllegalArgumentException(file + " must hold one document");
    }
    JsonNode kustomization = kustomizations.get(0);
    onlyFields(kustomization, KUSTOMIZATION_FIELDS, file + ":");

    List<ObjectNode> objects = new ArrayList<>();
    for (JsonNode resource : kustomization.path("resources").values()) {
      Path path = dir.resolve(resource.asString()).normalize();
      objects.addAll(
          Files.isDirectory(path) ? build(path) : documents(read(path), path.toString()));
    }
    for (JsonNode generator : kustomization.path("configMapGenerator").values()) {
      mergeConfigMap(objects, generator, file + ": configMapGenerator");
    }
    if (kustomization.has("namespace")) {
      setNamespace(objects, kustomization.get("namespace").asString());
    }
    for (JsonNode image : kustomization.path("images").values()) {
      onlyFields(image, Set.of("name", "newName", "newTag"), file + ": images:");
      objects.forEach(object -> setImage(object, image));
    }
    for (JsonNode replicas : kustomization.path("replicas").values()) {
      onlyFields(replicas, Set.of("name", "count"), file + ": replicas:");
      String name = replicas.required("name").asString();
      ObjectNode deployment =
          find(objects, "Deployment", name, file + ": replicas: no Deployment " + name);
      ((ObjectNode) deployment.required("spec"))
          .put("replicas", replicas.required("count").asInt());
    }
    return objects;
  }

  /** {@code behavior: merge} only: literals {@code KEY=VALUE} overwrite or add to the data. */
  private static void mergeConfigMap(List<ObjectNode> objects, JsonNode generator, String where) {
    onlyFields(generator, Set.of("name", "behavior", "literals"), where);
    String name = generator.required("name").asString();
    if (!generator.path("behavior").asString("").equals("merge")) {
      throw new IllegalArgumentException(
          where + " " + name + ": only behavior: merge (into a ConfigMap of a base) is supported");
    }
    ObjectNode configMap = find(objects, "ConfigMap", name, where + ": no ConfigMap " + name);
    ObjectNode data =
        configMap.has("data") ? (ObjectNode) configMap.get("data") : configMap.putObject("data");
    for (JsonNode literal : generator.path("literals").values()) {
      String text = literal.asString();
      int equals = text.indexOf('=');
      if (equals <= 0) {
        throw new IllegalArgumentException(where + " " + name + ": not KEY=VALUE: " + text);
      }
      data.put(text.substring(0, equals), unquoted(text.substring(equals + 1)));
    }
  }

  /** As kustomize: one pair of surrounding quotes is removed from a literal's value. */
  private static String unquoted(String value) {
    boolean quoted =
        value.length() >= 2
            && (value.charAt(0) == '"' || value.charAt(0) == '\'')
            && value.charAt(value.length() - 1) == value.charAt(0);
    return quoted ? value.substring(1, value.length() - 1) : value;
  }

  /**
   * Every object's namespace, and a RoleBinding's ServiceAccount subjects without one when they
   * name a ServiceAccount of the render or "default", as kustomize's namespace transformer does.
   */
  private static void setNamespace(List<ObjectNode> objects, String namespace) {
    Set<String> accounts = new HashSet<>(Set.of("default"));
    objects.stream()
        .filter(object -> kind(object).equals("ServiceAccount"))
        .forEach(account -> accounts.add(name(account)));
    for (ObjectNode object : objects) {
      ((ObjectNode) object.required("metadata")).put("namespace", namespace);
      if (kind(object).equals("RoleBinding")) {
        for (JsonNode subject : object.path("subjects").values()) {
          if (subject.path("kind").asString("").equals("ServiceAccount")
              && !subject.has("namespace")
              && accounts.contains(subject.path("name").asString(""))) {
            ((ObjectNode) subject).put("namespace", namespace);
          }
        }
      }
    }
  }

  /** Rewrites {@code image} in every containers and initContainers list whose name matches. */
  private static void setImage(JsonNode node, JsonNode image) {
    if (node.isArray()) {
      node.values().forEach(element -> setImage(element, image));
      return;
    }
    for (var field : node.properties()) {
      String key = field.getKey();
      if ((key.equals("containers") || key.equals("initContainers"))
          && field.getValue().isArray()) {
        field.getValue().values().forEach(container -> setContainerImage(container, image));
      } else if (field.getValue().isContainer()) {
        setImage(field.getValue(), image);
      }
    }
  }

  private static void setContainerImage(JsonNode container, JsonNode image) {
    String current = container.path("image").asString("");
    if (imageName(current).equals(image.required("name").asString())) {
      String name = image.path("newName").asString(imageName(current));
      String tag = image.path("newTag").asString(imageTag(current));
      ((ObjectNode) container).put("image", tag.isEmpty() ? name : name + ":" + tag);
    }
  }

  private static String imageName(String image) {
    int tag = image.lastIndexOf(':');
    return tag > image.lastIndexOf('/') ? image.substring(0, tag) : image;
  }

  private static String imageTag(String image) {
    return image.substring(imageName(image).length()).replaceFirst("^:", "");
  }

  private static ObjectNode find(List<ObjectNode> objects, String kind, String name, String error) {
    return objects.stream()
        .filter(object -> kind(object).equals(kind) && name(object).equals(name))
        .findFirst()
        .orElseThrow(() -> new IllegalArgumentException(error));
  }

  private static HasMetadata toModel(ObjectNode object) {
    String key = object.path("apiVersion").asString("") + "/" + kind(object);
    Class<? extends HasMetadata> type = KINDS.get(key);
    if (type == null) {
      throw new IllegalArgumentException(
          key + " " + name(object) + ": not a kind Squall ships (" + KINDS.keySet() + ")");
    }
    return MODEL.treeToValue(object, type);
  }

  private static void onlyFields(JsonNode node, Set<String> supported, String where) {
    for (String field : node.propertyNames()) {
      if (!supported.contains(field)) {
        throw new IllegalArgumentException(
            where + " '" + field + "' is not supported (only " + supported + ")");
      }
    }
  }

  private static List<ObjectNode> documents(String yaml, String source) {
    List<ObjectNode> documents = new ArrayList<>();
    for (JsonNode document : YAML.readerFor(JsonNode.class).<JsonNode>readValues(yaml).readAll()) {
      if (document.isObject()) {
        documents.add((ObjectNode) document);
      } else if (!document.isNull() && !document.isMissingNode()) {
        throw new IllegalArgumentException(source + ": a document that is not an object");
      }
    }
    return documents;
  }

  private static String kind(JsonNode object) {
    return object.path("kind").asString("");
  }

  private static String name(JsonNode object) {
    return object.path("metadata").path("name").asString("");
  }

  private static String read(Path file) {
    try {
      return Files.readString(file);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
