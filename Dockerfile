# The Squall node image: `mvn -DskipTests package` first, then `docker build -t squall:0.1.0 .`
FROM eclipse-temurin:17-jre
WORKDIR /opt/squall
COPY node/target/lib/ lib/
COPY node/target/squall-node-*.jar lib/
EXPOSE 8080 8558 25520
ENTRYPOINT ["sh", "-c", "exec java $SQUALL_JAVA_OPTS -cp 'lib/*' io.squall.node.Cli node"]
