package io.switchboard.dist;

import jakarta.validation.Validation;
import jakarta.validation.ValidatorFactory;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.context.properties.bind.BindException;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.bind.PropertySourcesPlaceholdersResolver;
import org.springframework.boot.context.properties.bind.validation.BindValidationException;
import org.springframework.boot.context.properties.bind.validation.ValidationBindHandler;
import org.springframework.boot.context.properties.source.ConfigurationPropertySources;
import org.springframework.context.annotation.Import;
import org.springframework.core.annotation.AnnotatedElementUtils;
import org.springframework.core.env.MutablePropertySources;
import org.springframework.core.env.PropertiesPropertySource;
import org.springframework.core.env.SystemEnvironmentPropertySource;
import org.springframework.core.io.ClassPathResource;
import org.springframework.core.io.support.PropertiesLoaderUtils;
import org.springframework.validation.beanvalidation.SpringValidatorAdapter;

/**
 * Whether a process would start with a given environment, as far as its settings go: every
 * {@code @ConfigurationProperties} class the process enables (found through its application class
 * and what it imports) is bound from that environment over the process's own properties file, and
 * validated, exactly as Spring Boot does at start-up.
 */
final class RequiredSettings {

  private static final ValidatorFactory VALIDATION = Validation.buildDefaultValidatorFactory();

  private RequiredSettings() {}

  /** The settings classes a process binds. */
  static Set<Class<?>> propertiesClasses(Class<?> applicationClass) {
    Set<Class<?>> found = new LinkedHashSet<>();
    collect(applicationClass, found, new LinkedHashSet<>());
    return found;
  }

  private static void collect(Class<?> type, Set<Class<?>> found, Set<Class<?>> seen) {
    if (!seen.add(type)) {
      return;
    }
    for (EnableConfigurationProperties enable : AnnotatedElementUtils.findAllMergedAnnotations(type,
        EnableConfigurationProperties.class)) {
      found.addAll(List.of(enable.value()));
    }
    for (Import imported : AnnotatedElementUtils.findAllMergedAnnotations(type, Import.class)) {
      for (Class<?> next : imported.value()) {
        collect(next, found, seen);
      }
    }
  }

  /** What is missing or invalid for the process in this environment; empty when it would start. */
  static List<String> problems(SwitchboardProcess process, Map<String, String> environment) throws Exception {
    MutablePropertySources sources = new MutablePropertySources();
    // Spring reads a source as environment variables (SWITCHBOARD_KAFKABOOTSTRAPSERVERS) by this name suffix.
    sources.addLast(new SystemEnvironmentPropertySource("compose-systemEnvironment", Map.copyOf(environment)));
    Properties own = PropertiesLoaderUtils.loadProperties(new ClassPathResource(process.processName() + ".properties"));
    sources.addLast(new PropertiesPropertySource(process.processName() + ".properties", own));
    Binder binder = new Binder(ConfigurationPropertySources.from(sources), new PropertySourcesPlaceholdersResolver(sources));
    List<String> problems = new ArrayList<>();
    for (Class<?> type : propertiesClasses(process.applicationClass())) {
      ConfigurationProperties annotation = AnnotatedElementUtils.findMergedAnnotation(type, ConfigurationProperties.class);
      String prefix = annotation.prefix().isEmpty() ? annotation.value() : annotation.prefix();
      try {
        binder.bindOrCreate(prefix, Bindable.of(type),
            new ValidationBindHandler(new SpringValidatorAdapter(VALIDATION.getValidator())));
      } catch (BindException e) {
        problems.add(type.getSimpleName() + ": " + describe(e));
      }
    }
    return problems;
  }

  private static String describe(BindException e) {
    if (e.getCause() instanceof BindValidationException validation) {
      return validation.getValidationErrors().getAllErrors().stream()
          .map(error -> (error instanceof org.springframework.validation.FieldError field ? field.getField() + " "
              : "") + error.getDefaultMessage())
          .toList().toString();
    }
    return e.getMessage();
  }
}
