package io.switchboard.cli;

import picocli.CommandLine.Option;

/** Which resolver's diagnostics API a command asks. */
final class ResolverOptions {

  @Option(names = "--resolver-url", defaultValue = "${SWITCHBOARD_RESOLVER_URL:-http://127.0.0.1:8083}",
      description = "Base URL of the tenant-resolver-stream diagnostics API (default: ${DEFAULT-VALUE})")
  String resolverUrl;

  @Option(names = "--token", defaultValue = "${SWITCHBOARD_TOKEN}", description = "An admin JWT for the diagnostics "
      + "API (default: SWITCHBOARD_TOKEN, or the local stack's admin token; './switchboard keys token --admin' signs one)")
  String token;

  ResolverApi api() {
    return new ResolverApi(resolverUrl, token != null ? token : ClusterOptions.localEndpoint("admin.token"));
  }
}
