# syntax=docker/dockerfile:1
# Parley's services, built from this source tree: one build stage, then one small runtime image per service.
#   docker build --target gateway -t parley-gateway .      (also: worker, simulator, postprocess, topics)
# docker-compose.yml builds each target; `docker compose up --build` after a fresh clone is all it takes.

FROM eclipse-temurin:17-jdk AS build
RUN apt-get update && apt-get install -y --no-install-recommends curl unzip && rm -rf /var/lib/apt/lists/*
WORKDIR /src
COPY . .
# The Maven repository is a BuildKit cache: a rebuild after a code change downloads nothing.
# Tests run in CI, not here (-Dmaven.test.skip: not even compiled).
RUN --mount=type=cache,target=/root/.m2 \
    ./mvnw -B -q package -Dmaven.test.skip=true \
        -pl schemas,ingest-service,inference-worker,postprocess-streams -am \
 && mkdir /jars \
 && cp ingest-service/target/parley-gateway.jar \
       inference-worker/target/parley-worker.jar \
       postprocess-streams/target/parley-postprocess.jar \
       schemas/target/parley-topics.jar /jars/

FROM eclipse-temurin:17-jre AS runtime
# curl: the compose healthchecks ask the services' HTTP endpoints.
RUN apt-get update && apt-get install -y --no-install-recommends curl && rm -rf /var/lib/apt/lists/* \
 && useradd --system --create-home --home-dir /var/lib/parley parley
WORKDIR /var/lib/parley
USER parley
# Listen on every interface of the container (the services' own default is loopback); the JVM sizes its heap
# from the container's memory limit. JVM options: JAVA_TOOL_OPTIONS.
ENV PARLEY_BIND_HOST=0.0.0.0 \
    JAVA_TOOL_OPTIONS="-XX:MaxRAMPercentage=75"

FROM runtime AS gateway
COPY --from=build /jars/parley-gateway.jar /opt/parley/
EXPOSE 8080
ENTRYPOINT ["java", "-jar", "/opt/parley/parley-gateway.jar"]

FROM runtime AS worker
COPY --from=build /jars/parley-worker.jar /opt/parley/
EXPOSE 8082
ENTRYPOINT ["java", "-jar", "/opt/parley/parley-worker.jar"]

# The LLM simulator, packaged in the worker's jar: a stand-in OpenAI/Ollama/Anthropic server.
FROM runtime AS simulator
COPY --from=build /jars/parley-worker.jar /opt/parley/
EXPOSE 8090
ENTRYPOINT ["java", "-cp", "/opt/parley/parley-worker.jar", "dev.parley.worker.simulator.SimulatorMain"]

FROM runtime AS postprocess
COPY --from=build /jars/parley-postprocess.jar /opt/parley/
# Streams state (RocksDB); compose mounts a volume here.
RUN mkdir -p /var/lib/parley/streams
EXPOSE 8083
ENTRYPOINT ["java", "-jar", "/opt/parley/parley-postprocess.jar"]

# One-shot: creates every topic, or checks the ones that exist, then exits.
FROM runtime AS topics
COPY --from=build /jars/parley-topics.jar /opt/parley/
ENTRYPOINT ["java", "-jar", "/opt/parley/parley-topics.jar"]
