// The floor under any Camel application's start: camel-main with the YAML DSL and one route (a timer that fires
// once), no HTTP, run to its end. Run it on stella-release's own class path, and time it from the shell:
//
//   mvn -B -q package -DskipTests
//   time java -XX:TieredStopAtLevel=1 -XX:+UseSerialGC -cp target/stella-release.jar bench/floor/CamelFloor.java
//
// (Java compiles this file in memory first: add `javac -d /tmp/cf -cp target/stella-release.jar` and run the
// class instead to leave the compile out, as bench/NOTES.md round fourteen did.)
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.camel.main.Main;

public class CamelFloor {
    public static void main(String[] args) throws Exception {
        Path route = Files.createTempFile("camel-floor", ".yaml");
        Files.writeString(route, String.join("\n",
                "- route:",
                "    id: once",
                "    from:",
                "      uri: timer:once",
                "      parameters: {repeatCount: 1, delay: 0}",
                "      steps:",
                "        - log: fired",
                ""));
        Main main = new Main();
        main.configure().withRoutesIncludePattern("file:" + route);
        main.configure().withDurationMaxMessages(1);
        main.run();
        Files.deleteIfExists(route);
        System.err.println("JVM up " + java.lang.management.ManagementFactory.getRuntimeMXBean().getUptime() + " ms at the end");
    }
}
