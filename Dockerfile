# The Squall node image. Build the jars first (mvn -DskipTests package), then from the project root:
#   docker build --build-arg VERSION=0.1.0 --build-arg COMMIT=$(git rev-parse --short HEAD) \
#     -t squall:0.1.0-$(git rev-parse --short HEAD) .
FROM eclipse-temurin:17-jre
RUN groupadd --system --gid 10001 squall \
 && useradd --system --uid 10001 --gid squall --no-create-home --home-dir /opt/squall squall
WORKDIR /opt/squall
COPY node/target/lib/ lib/
COPY node/target/squall-node-*.jar lib/
ARG VERSION=0.0.0
ARG COMMIT=unknown
LABEL org.opencontainers.image.title="squall" \
      org.opencontainers.image.version="${VERSION}" \
      org.opencontainers.image.revision="${COMMIT}"
ENV SQUALL_APP_VERSION=${VERSION}
# The throughput collector (docs/write-path.md); SQUALL_JAVA_OPTS set at run time replaces it.
ENV SQUALL_JAVA_OPTS="-XX:+UseParallelGC"
USER 10001:10001
EXPOSE 8080 8558 25520
ENTRYPOINT ["sh", "-c", "exec java $SQUALL_JAVA_OPTS -cp 'lib/*' io.squall.node.Cli node"]
