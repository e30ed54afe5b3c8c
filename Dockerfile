# syntax=docker/dockerfile:1
# The Switchboard image: the six processes and the topic creator in one executable jar, run as a
# non-root user. docker-compose.yml picks the process per service:
#   docker run switchboard:local ingress-gateway --switchboard.kafka-bootstrap-servers=...
#   docker run switchboard:local topics kafka:9092 3
# Every process serves HTTP on 8080 in the container: /actuator/health/{liveness,readiness},
# /actuator/prometheus, and its API where it has one.

FROM maven:3.9-eclipse-temurin-17 AS build
WORKDIR /src
COPY . .
# Only the production artifact and the modules it needs; Maven's downloads are cached between builds.
RUN --mount=type=cache,target=/root/.m2 mvn -B -ntp -q -pl dist -am package -DskipTests

FROM eclipse-temurin:17-jre
RUN apt-get update \
    && apt-get install -y --no-install-recommends curl \
    && rm -rf /var/lib/apt/lists/* \
    && groupadd --system switchboard \
    && useradd --system --gid switchboard --home-dir /app --shell /usr/sbin/nologin switchboard \
    && mkdir -p /var/lib/switchboard \
    && chown switchboard:switchboard /var/lib/switchboard
WORKDIR /app
COPY --from=build /src/dist/target/switchboard.jar /app/switchboard.jar
USER switchboard
ENV SERVER_PORT=8080 \
    JAVA_TOOL_OPTIONS="-XX:MaxRAMPercentage=75 -XX:+ExitOnOutOfMemoryError"
EXPOSE 8080
HEALTHCHECK --interval=15s --timeout=5s --start-period=90s --retries=3 \
    CMD curl -fsS "http://127.0.0.1:${SERVER_PORT}/actuator/health/liveness" > /dev/null || exit 1
ENTRYPOINT ["java", "-jar", "/app/switchboard.jar"]
CMD ["--help"]
