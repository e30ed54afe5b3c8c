package io.switchboard.domain.security;

import io.swagger.v3.oas.models.Components;
import io.swagger.v3.oas.models.OpenAPI;
import io.swagger.v3.oas.models.Operation;
import io.swagger.v3.oas.models.info.Info;
import io.swagger.v3.oas.models.media.ArraySchema;
import io.swagger.v3.oas.models.media.Content;
import io.swagger.v3.oas.models.media.MediaType;
import io.swagger.v3.oas.models.media.ObjectSchema;
import io.swagger.v3.oas.models.media.Schema;
import io.swagger.v3.oas.models.media.StringSchema;
import io.swagger.v3.oas.models.responses.ApiResponse;
import io.swagger.v3.oas.models.responses.ApiResponses;
import io.swagger.v3.oas.models.security.SecurityRequirement;
import io.swagger.v3.oas.models.security.SecurityScheme;
import org.springdoc.core.customizers.OpenApiCustomizer;

/**
 * The OpenAPI description a process with a JWT-secured API serves at {@code /v3/api-docs},
 * generated from its controllers by springdoc: its bearer scheme on every operation, and the error
 * shapes every operation can answer with (field errors for 400, a message otherwise).
 */
public final class ApiDescriptions {

  static final String BEARER = "bearer-jwt";
  static final String FIELD_ERRORS = "FieldErrors";
  static final String MESSAGE = "ErrorMessage";

  private ApiDescriptions() {}

  public static OpenAPI openApi(String title, String description) {
    return new OpenAPI()
        .info(new Info().title(title).description(description).version("1"))
        .components(new Components()
            .addSecuritySchemes(BEARER, new SecurityScheme().type(SecurityScheme.Type.HTTP).scheme("bearer")
                .bearerFormat("JWT").description("RS256 JWT: roles [admin], or companyId for a company's own user")))
        .addSecurityItem(new SecurityRequirement().addList(BEARER));
  }

  /**
   * Adds the error shapes to the description's schemas (springdoc builds those from the code, so
   * they are added once it has), and to every operation the answers any of them can give: 400,
   * 401, 403 and 503.
   */
  public static OpenApiCustomizer commonErrors() {
    return openApi -> {
      Schema<?> fieldError = new ObjectSchema()
          .addProperty("field", new StringSchema().example("authToken"))
          .addProperty("message", new StringSchema().example("Twilio rejected these credentials; nothing was stored"));
      Components components = openApi.getComponents() == null ? new Components() : openApi.getComponents();
      components.addSchemas(FIELD_ERRORS, new ObjectSchema().addProperty("errors", new ArraySchema().items(fieldError))
          .description("What is wrong with the request, field by field"));
      components.addSchemas(MESSAGE, new ObjectSchema().addProperty("error", new StringSchema()
          .example("no company 64b7f0c2e4b0a1a2b3c4d5e6")).description("Why the request was refused"));
      openApi.setComponents(components);
      openApi.getPaths().values().forEach(path -> path.readOperations().forEach(ApiDescriptions::errors));
    };
  }

  private static void errors(Operation operation) {
    ApiResponses responses = operation.getResponses() == null ? new ApiResponses() : operation.getResponses();
    responses.putIfAbsent("400", response("The request is not valid; each field's problem is named", FIELD_ERRORS));
    responses.putIfAbsent("401", new ApiResponse().description("No valid bearer token"));
    responses.putIfAbsent("403", response("The token does not give access to this company or operation", MESSAGE));
    responses.putIfAbsent("503", response("A dependency (MongoDB, Kafka, Twilio) is unavailable; nothing was done",
        MESSAGE));
    operation.setResponses(responses);
  }

  private static ApiResponse response(String description, String schema) {
    return new ApiResponse().description(description).content(new Content().addMediaType("application/json",
        new MediaType().schema(new Schema<>().$ref("#/components/schemas/" + schema))));
  }
}
