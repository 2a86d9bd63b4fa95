package io.stellarelease.config;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The release configuration read on a thread of its own while Camel starts, for the one read that follows.
 * A JVM's first read of a configuration takes ~180 ms on a 2-CPU machine with 9 modules and ~290 ms with 900
 * (Jackson's and SnakeYAML's first use). It was on the start-up's critical path; CamelApp starts it once Camel has
 * resolved which file it is, and Camel's set-up up to binding the beans runs beside it: a 9-module release took
 * ~4-5 % less wall, with the same CPU (bench/NOTES.md, round fourteen).
 * <p>
 * Only a speed-up, never a second source: {@link #take} gives the read's result, exception included, only for the
 * same file unchanged since the read began (its path, size, modification time and file key); otherwise, and when
 * nothing was started, it reads the file then, as {@link ConfigLoader#load} always did. One read is kept, for one
 * taker.
 */
public final class ConfigPreload {

    private static final AtomicReference<ConfigPreload> PENDING = new AtomicReference<>();

    private final Path file;
    private final Stamp stamp;
    private final CompletableFuture<ReleaseConfig> read = new CompletableFuture<>();

    private ConfigPreload(Path file, Stamp stamp) {
        this.file = file;
        this.stamp = stamp;
    }

    /** Starts reading {@code file} in the background, replacing a read started earlier and not taken. */
    public static void start(Path file) {
        Stamp stamp = Stamp.of(file);
        if (stamp == null) {
            return; // missing or unreadable: the read at take() says so, as it always has
        }
        ConfigPreload preload = new ConfigPreload(file, stamp);
        PENDING.set(preload);
        Thread reader = new Thread(() -> {
            try {
                preload.read.complete(ConfigLoader.load(file));
            } catch (Throwable e) { // a broken configuration is the taker's to report, as if it had read it itself
                preload.read.completeExceptionally(e);
            }
        }, "config-preload");
        reader.setDaemon(true);
        reader.start();
    }

    /**
     * The configuration in {@code file}: the background read's when it read this very file, unchanged; else read now.
     * A background read's failure is thrown here as the read now would throw it. "This very file" is the path as
     * spelled, since the messages name the file that way; relative paths resolve against the same working directory.
     */
    public static ReleaseConfig take(Path file) {
        ConfigPreload preload = PENDING.get();
        if (preload != null && preload.file.equals(file) && PENDING.compareAndSet(preload, null)) {
            ReleaseConfig config = null;
            Throwable failure = null;
            try {
                config = preload.read.join();
            } catch (CompletionException e) {
                failure = e.getCause(); // ConfigLoader.load throws unchecked exceptions only
            }
            if (preload.stamp.equals(Stamp.of(file))) {
                if (failure instanceof RuntimeException refused) {
                    throw refused;
                }
                if (failure instanceof Error error) {
                    throw error;
                }
                if (failure != null) {
                    throw new IllegalStateException(failure);
                }
                return config;
            }
        }
        return ConfigLoader.load(file);
    }

    /** What says a file is still the one read: a rewrite changes its modification time, size or file key. */
    private record Stamp(long size, long modifiedNanos, Object fileKey) {
        static Stamp of(Path file) {
            try {
                BasicFileAttributes attributes = Files.readAttributes(file, BasicFileAttributes.class);
                if (!attributes.isRegularFile()) {
                    return null;
                }
                return new Stamp(attributes.size(),
                        attributes.lastModifiedTime().to(java.util.concurrent.TimeUnit.NANOSECONDS), attributes.fileKey());
            } catch (IOException e) {
                return null;
            }
        }
    }
}
