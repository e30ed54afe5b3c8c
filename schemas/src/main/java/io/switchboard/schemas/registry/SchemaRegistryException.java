package io.switchboard.schemas.registry;

/** The schema registry refused a request or could not be reached. */
public class SchemaRegistryException extends RuntimeException {

  private final int status;

  public SchemaRegistryException(String message, int status) {
    super(message);
    this.status = status;
  }

  public SchemaRegistryException(String message, Throwable cause) {
    super(message, cause);
    this.status = -1;
  }

  /** HTTP status the registry answered with, or -1 when it was not reached. */
  public int status() {
    return status;
  }

  /** True when the registry rejected a schema as incompatible with the subject's earlier versions. */
  public boolean incompatible() {
    return status == 409;
  }
}
