package io.switchboard.schemas.registry;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.avro.Schema;

/**
 * Client of the Confluent Schema Registry REST API, which Confluent Schema Registry, Karapace and
 * Apicurio ({@code /apis/ccompat/v7}) all serve. Written here because Confluent's own client is
 * not published on Maven Central, and Apicurio's serdes speak only Apicurio's native API; the
 * three calls below are all a producer and a consumer need. Ids and schemas are immutable in the
 * registry, so both lookups are cached for the life of the client.
 */
public final class SchemaRegistryClient implements SchemaRegistry {

  private static final String CONTENT_TYPE = "application/vnd.schemaregistry.v1+json";
  private static final ObjectMapper JSON = new ObjectMapper();

  private final URI baseUri;
  private final HttpClient http;
  private final Duration timeout;
  private final String authorization;
  /**
   * Keyed by the schema object itself: a hit costs its cached hash and an identity check, where
   * keying by the schema's JSON text would write the whole schema out on every record.
   */
  private final Map<SubjectSchema, Integer> idsBySubjectAndSchema = new ConcurrentHashMap<>();
  private final Map<Integer, Schema> schemasById = new ConcurrentHashMap<>();

  public SchemaRegistryClient(String baseUrl) {
    this(baseUrl, RegistryAuth.NONE);
  }

  public SchemaRegistryClient(String baseUrl, RegistryAuth auth) {
    this(baseUrl, auth, Duration.ofSeconds(10));
  }

  public SchemaRegistryClient(String baseUrl, RegistryAuth auth, Duration timeout) {
    String trimmed = baseUrl.endsWith("/") ? baseUrl.substring(0, baseUrl.length() - 1) : baseUrl;
    this.baseUri = URI.create(trimmed);
    this.timeout = timeout;
    HttpClient.Builder builder = HttpClient.newBuilder().connectTimeout(timeout);
    auth.sslContext().ifPresent(builder::sslContext);
    this.http = builder.build();
    this.authorization = auth.authorization().orElse(null);
  }

  private record SubjectSchema(String subject, Schema schema) {}

  public String baseUrl() {
    return baseUri.toString();
  }

  @Override
  public int register(String subject, Schema schema) {
    return idsBySubjectAndSchema.computeIfAbsent(new SubjectSchema(subject, schema), k -> {
      try {
        return send("POST", "/subjects/" + subject + "/versions", schemaBody(schema)).path("id").asInt();
      } catch (SchemaRegistryException e) {
        if (!e.incompatible()) {
          throw e;
        }
        // Two writers registering the same new schema at once can get a conflict from some
        // registries (Apicurio) although the schema is then registered: look it up before
        // concluding that it is incompatible.
        try {
          return send("POST", "/subjects/" + subject, schemaBody(schema)).path("id").asInt();
        } catch (SchemaRegistryException notFound) {
          throw e;
        }
      }
    });
  }

  @Override
  public int lookup(String subject, Schema schema) {
    return idsBySubjectAndSchema.computeIfAbsent(new SubjectSchema(subject, schema), k -> {
      JsonNode answer = send("POST", "/subjects/" + subject, schemaBody(schema));
      return answer.path("id").asInt();
    });
  }

  @Override
  public Schema schemaById(int id) {
    return schemasById.computeIfAbsent(id, k -> {
      JsonNode answer = send("GET", "/schemas/ids/" + id, null);
      return new Schema.Parser().parse(answer.path("schema").asText());
    });
  }

  /** Sets the compatibility level of one subject, or the global default when subject is null. */
  public void setCompatibility(String subject, String level) {
    String path = subject == null ? "/config" : "/config/" + subject;
    send("PUT", path, JSON.createObjectNode().put("compatibility", level).toString());
  }

  /** The global compatibility level. */
  public String globalCompatibility() {
    JsonNode answer = send("GET", "/config", null);
    return answer.has("compatibilityLevel")
        ? answer.path("compatibilityLevel").asText()
        : answer.path("compatibility").asText();
  }

  private static String schemaBody(Schema schema) {
    return JSON.createObjectNode().put("schema", schema.toString()).toString();
  }

  private JsonNode send(String method, String path, String body) {
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(baseUri + path))
        .timeout(timeout)
        .header("Accept", CONTENT_TYPE);
    if (authorization != null) {
      request.header("Authorization", authorization);
    }
    if (body == null) {
      request.method(method, HttpRequest.BodyPublishers.noBody());
    } else {
      request.header("Content-Type", CONTENT_TYPE).method(method, HttpRequest.BodyPublishers.ofString(body));
    }
    HttpResponse<String> response;
    try {
      response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw new SchemaRegistryException("Schema registry at " + baseUri + " unreachable: " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new SchemaRegistryException("Interrupted while calling the schema registry", e);
    }
    JsonNode answer = parse(response.body());
    if (response.statusCode() / 100 != 2) {
      throw new SchemaRegistryException(method + " " + path + " answered " + response.statusCode()
          + ": " + answer.path("message").asText(response.body()), response.statusCode());
    }
    return answer;
  }

  private static JsonNode parse(String body) {
    try {
      return body == null || body.isBlank() ? JSON.createObjectNode() : JSON.readTree(body);
    } catch (IOException e) {
      return JSON.createObjectNode().put("message", body);
    }
  }
}
