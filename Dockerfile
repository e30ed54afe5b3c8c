# One image holding every Switchboard process; docker-compose.yml picks the process per service.
FROM maven:3.9-eclipse-temurin-17 AS build
WORKDIR /src
COPY . .
RUN mvn -B -ntp -q install -DskipTests

FROM eclipse-temurin:17-jre
WORKDIR /app
COPY --from=build /src/local-stack/target/local-stack-*-exec.jar /app/switchboard.jar
ENV JAVA_TOOL_OPTIONS="-XX:MaxRAMPercentage=75"
# Run a process with: java -Dloader.main=<main class> -jar switchboard.jar
ENTRYPOINT ["java", "-cp", "/app/switchboard.jar", "org.springframework.boot.loader.launch.PropertiesLauncher"]
