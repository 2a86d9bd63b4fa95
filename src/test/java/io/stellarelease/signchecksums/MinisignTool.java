package io.stellarelease.signchecksums;

import io.stellarelease.clients.LocalRegistry;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Debian's minisign (/usr/bin/minisign), run as a process: key pairs made by it and signatures checked by it. */
public final class MinisignTool {

    private MinisignTool() {
    }

    /** A key pair minisign made: the secret key file and the public key file. */
    public record Keys(Path secretKey, Path publicKey) { }

    public record Result(int code, String out) { }

    /** {@code minisign -G}: encrypted with {@code password}, or unencrypted ({@code -W}) when it is null. */
    public static Keys generate(Path dir, String name, String password) throws IOException, InterruptedException {
        LocalRegistry.requireTool("minisign", "minisign");
        Path secret = dir.resolve(name + ".key");
        Path pub = dir.resolve(name + ".pub");
        List<String> command = new ArrayList<>(List.of("minisign", "-G", "-p", pub.toString(), "-s", secret.toString()));
        if (password == null) {
            command.add("-W");
        }
        Result r = run(command, password == null ? "" : password + "\n" + password + "\n");
        if (r.code() != 0) {
            throw new AssertionError(command + " exited with " + r.code() + ": " + r.out());
        }
        return new Keys(secret, pub);
    }

    /** {@code minisign -V -m file -x signature -p publicKey}: its exit code and output. */
    public static Result verify(Path file, Path signature, Path publicKey) throws IOException, InterruptedException {
        LocalRegistry.requireTool("minisign", "minisign");
        return run(List.of("minisign", "-V", "-m", file.toString(), "-x", signature.toString(), "-p", publicKey.toString()), "");
    }

    /** {@code minisign -S}: a signature made by minisign itself, for the other direction. */
    public static Result sign(Path file, Path signature, Path secretKey, String password) throws IOException, InterruptedException {
        LocalRegistry.requireTool("minisign", "minisign");
        return run(List.of("minisign", "-S", "-m", file.toString(), "-x", signature.toString(), "-s", secretKey.toString()),
                password == null ? "" : password + "\n");
    }

    private static Result run(List<String> command, String stdin) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        try (OutputStream in = p.getOutputStream()) {
            in.write(stdin.getBytes(StandardCharsets.UTF_8));
        }
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(120, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError(command + " did not finish: " + out);
        }
        return new Result(p.exitValue(), out);
    }
}
