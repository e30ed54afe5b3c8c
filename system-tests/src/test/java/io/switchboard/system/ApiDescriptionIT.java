package io.switchboard.system;

import static org.assertj.core.api.Assertions.assertThat;

import io.swagger.parser.OpenAPIParser;
import io.swagger.v3.oas.models.OpenAPI;
import io.swagger.v3.oas.models.Operation;
import io.swagger.v3.oas.models.PathItem;
import io.swagger.v3.parser.core.models.ParseOptions;
import io.swagger.v3.parser.core.models.SwaggerParseResult;
import io.switchboard.admin.http.CallsController;
import io.switchboard.admin.http.CompanyConfigController;
import io.switchboard.admin.http.CompanyDirectoryController;
import io.switchboard.admin.http.SmsController;
import io.switchboard.health.HealthController;
import java.lang.annotation.Annotation;
import java.lang.reflect.Method;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PatchMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;

/**
 * The company API and the health monitor serve an OpenAPI 3 description generated from their
 * controllers: it validates, names every endpoint the code maps (found here from the controllers'
 * own mapping annotations), and gives each its bearer scheme and error shapes, so that API users
 * can generate a client.
 */
class ApiDescriptionIT {

  private static final HttpClient HTTP = HttpClient.newHttpClient();

  @Test
  void shouldDescribeEveryEndpointOfTheCompanyApiAndTheHealthMonitor() throws Exception {
    var services = SharedStack.services();
    check(services.adminUrl(), List.of(CompanyConfigController.class, CompanyDirectoryController.class,
        SmsController.class, CallsController.class));
    check(services.healthUrl(), List.of(HealthController.class));
  }

  private static void check(String processUrl, List<Class<?>> controllers) throws Exception {
    HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(URI.create(processUrl + "/v3/api-docs")).build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(response.statusCode()).as("served without a token").isEqualTo(200);
    ParseOptions options = new ParseOptions();
    options.setResolve(true);
    SwaggerParseResult parsed = new OpenAPIParser().readContents(response.body(), null, options);
    assertThat(parsed.getMessages()).as("validation messages").isEmpty();
    OpenAPI api = parsed.getOpenAPI();
    assertThat(api.getOpenapi()).startsWith("3.");
    assertThat(api.getComponents().getSecuritySchemes()).containsKey("bearer-jwt");
    assertThat(api.getComponents().getSchemas()).containsKeys("FieldErrors", "ErrorMessage");

    List<String> mapped = new ArrayList<>();
    for (Class<?> controller : controllers) {
      for (Method method : controller.getDeclaredMethods()) {
        endpoint(method).ifPresent(mapped::add);
      }
    }
    assertThat(mapped).isNotEmpty();
    for (String endpoint : mapped) {
      String[] parts = endpoint.split(" ", 2);
      PathItem path = api.getPaths().get(parts[1]);
      assertThat(path).as("%s in the description of %s", endpoint, processUrl).isNotNull();
      Operation operation = path.readOperationsMap().get(PathItem.HttpMethod.valueOf(parts[0]));
      assertThat(operation).as("%s in the description", endpoint).isNotNull();
      assertThat(operation.getSummary()).as("summary of %s", endpoint).isNotBlank();
      assertThat(operation.getResponses()).as("answers of %s", endpoint).containsKeys("400", "401", "403");
    }
    int described = api.getPaths().values().stream().mapToInt(p -> p.readOperations().size()).sum();
    assertThat(described).as("operations described beyond the controllers': %s", api.getPaths().keySet())
        .isEqualTo(mapped.size());
  }

  /** "METHOD /path" of a controller method, from its mapping annotation. */
  private static java.util.Optional<String> endpoint(Method method) {
    Map<Class<? extends Annotation>, String> verbs = Map.of(GetMapping.class, "GET", PostMapping.class, "POST",
        PutMapping.class, "PUT", PatchMapping.class, "PATCH", DeleteMapping.class, "DELETE");
    for (var verb : verbs.entrySet()) {
      Annotation mapping = method.getAnnotation(verb.getKey());
      if (mapping != null) {
        try {
          String[] paths = (String[]) verb.getKey().getMethod("value").invoke(mapping);
          return java.util.Optional.of(verb.getValue() + " " + paths[0]);
        } catch (ReflectiveOperationException e) {
          throw new IllegalStateException(e);
        }
      }
    }
    return java.util.Optional.empty();
  }
}
