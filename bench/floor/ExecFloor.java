// The floor under stella-release's exec calls: the same commands started from a plain JVM loop on N threads, with
// none of Camel, the stage records or the SBOMs. Measured beside make in bench/NOTES.md (round fourteen).
//
//   java -XX:TieredStopAtLevel=1 -XX:+UseSerialGC -Djdk.lang.Process.launchMechanism=VFORK \
//     bench/floor/ExecFloor.java COUNT LANES FILES COMMAND...
//
// FILES: "none" (the output still goes to a log file, as in a release), "header" (a header written into the log
// first), "pidfile" (header, then a pid file with the start time while the command runs: what stella-release
// writes per call) or "journal" (header, then one line per start and per end in one file per run instead).
import java.io.File;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

public class ExecFloor {
    public static void main(String[] args) throws Exception {
        int count = Integer.parseInt(args[0]);
        int lanes = Integer.parseInt(args[1]);
        String files = args[2];
        List<String> command = Arrays.asList(args).subList(3, args.length);
        Path dir = Files.createTempDirectory("exec-floor");
        try (FileChannel journal = FileChannel.open(dir.resolve("pids"), StandardOpenOption.CREATE,
                StandardOpenOption.WRITE, StandardOpenOption.APPEND)) {
            ExecutorService pool = Executors.newFixedThreadPool(lanes);
            long t0 = System.nanoTime();
            List<Future<?>> calls = new ArrayList<>();
            for (int i = 0; i < count; i++) {
                String name = "M" + i;
                calls.add(pool.submit(() -> {
                    Path log = dir.resolve(name + ".log");
                    if (!files.equals("none")) {
                        Files.writeString(log, "# " + name + ": " + command + ", started " + Instant.now() + "\n");
                    }
                    Process p = new ProcessBuilder(command).redirectErrorStream(true)
                            .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
                            .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null"))).start();
                    String started = p.info().startInstant().map(Instant::toString).orElse("");
                    Path pid = dir.resolve(name + ".log.pid");
                    if (files.equals("pidfile")) {
                        Files.writeString(pid, p.pid() + " " + started + "\n");
                    } else if (files.equals("journal")) {
                        journal.write(ByteBuffer.wrap(("S " + p.pid() + " " + started + " " + name + "\n").getBytes(StandardCharsets.UTF_8)));
                    }
                    p.waitFor();
                    if (files.equals("pidfile")) {
                        Files.deleteIfExists(pid);
                    } else if (files.equals("journal")) {
                        journal.write(ByteBuffer.wrap(("E " + p.pid() + "\n").getBytes(StandardCharsets.UTF_8)));
                    }
                    return null;
                }));
            }
            for (Future<?> call : calls) {
                call.get();
            }
            double ms = (System.nanoTime() - t0) / 1e6;
            System.out.printf("%d x %s on %d threads, files %s: %.0f ms (%.3f ms a call; %.2f ms a round per thread)%n",
                    count, String.join(" ", command), lanes, files, ms, ms / count, ms / Math.ceil((double) count / lanes));
            pool.shutdown();
        }
    }
}
