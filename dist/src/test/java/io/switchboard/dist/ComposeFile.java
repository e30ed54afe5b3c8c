package io.switchboard.dist;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/**
 * docker-compose.yml as Compose reads it: anchors and merge keys resolved, {@code ${VAR}},
 * {@code ${VAR:-default}} and {@code ${VAR:?error}} substituted from an .env file.
 */
final class ComposeFile {

  private static final Pattern VARIABLE = Pattern.compile("\\$\\{([A-Z0-9_]+)(?:(:?[-?])([^}]*))?}");

  private final Map<String, Object> document;

  private ComposeFile(Map<String, Object> document) {
    this.document = document;
  }

  @SuppressWarnings("unchecked")
  static ComposeFile read(Path file) throws IOException {
    try (Reader reader = Files.newBufferedReader(file)) {
      return new ComposeFile(new Yaml(new SafeConstructor(new LoaderOptions())).load(reader));
    }
  }

  @SuppressWarnings("unchecked")
  Map<String, Map<String, Object>> services() {
    return (Map<String, Map<String, Object>>) document.get("services");
  }

  /** The process a service runs: the first word of its command, if it is a Switchboard process. */
  @SuppressWarnings("unchecked")
  static String command(Map<String, Object> service) {
    Object command = service.get("command");
    return command instanceof List<?> list && !list.isEmpty() ? String.valueOf(list.get(0)) : null;
  }

  /** A service's environment after substitution; unset variables without a default are an error. */
  @SuppressWarnings("unchecked")
  static Map<String, String> environment(Map<String, Object> service, Map<String, String> dotEnv) {
    Map<String, String> env = new LinkedHashMap<>();
    Object declared = service.get("environment");
    if (declared instanceof Map<?, ?> map) {
      map.forEach((k, v) -> env.put(String.valueOf(k), v == null ? "" : substitute(String.valueOf(v), dotEnv)));
    } else if (declared instanceof List<?> list) {
      for (Object entry : list) {
        String[] kv = String.valueOf(entry).split("=", 2);
        env.put(kv[0], kv.length > 1 ? substitute(kv[1], dotEnv) : "");
      }
    }
    return env;
  }

  static String substitute(String value, Map<String, String> dotEnv) {
    Matcher m = VARIABLE.matcher(value);
    StringBuilder out = new StringBuilder();
    while (m.find()) {
      String name = m.group(1);
      String given = dotEnv.get(name);
      boolean empty = given == null || (given.isEmpty() && m.group(2) != null && m.group(2).startsWith(":"));
      String replacement;
      if (!empty) {
        replacement = given;
      } else if (m.group(2) != null && m.group(2).endsWith("?")) {
        throw new IllegalArgumentException("variable " + name + " is not set: " + m.group(3));
      } else {
        replacement = m.group(3) == null ? "" : m.group(3);
      }
      m.appendReplacement(out, Matcher.quoteReplacement(replacement));
    }
    m.appendTail(out);
    return out.toString();
  }

  /** An .env file: KEY=VALUE lines, values optionally in single quotes, # comments. */
  static Map<String, String> readDotEnv(Path file) throws IOException {
    Map<String, String> values = new LinkedHashMap<>();
    for (String line : Files.readAllLines(file)) {
      if (line.isBlank() || line.startsWith("#")) {
        continue;
      }
      String[] kv = line.split("=", 2);
      String value = kv[1];
      if (value.length() >= 2 && value.startsWith("'") && value.endsWith("'")) {
        value = value.substring(1, value.length() - 1);
      }
      values.put(kv[0], value);
    }
    return values;
  }
}
