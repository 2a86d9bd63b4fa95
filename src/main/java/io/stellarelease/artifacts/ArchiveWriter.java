package io.stellarelease.artifacts;

import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.archivers.zip.ZipArchiveEntry;
import org.apache.commons.compress.archivers.zip.ZipArchiveOutputStream;
import org.apache.commons.compress.compressors.gzip.GzipCompressorOutputStream;
import org.apache.commons.compress.compressors.gzip.GzipParameters;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.FileVisitOption;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.stream.Stream;

/**
 * Writes a directory as a byte-for-byte reproducible {@code .tar.gz} or {@code .zip}: entries sorted by path,
 * relative to the archive root, modes normalised to 0755/0644, owner 0/0 without names, one fixed mtime.
 * Nothing of the machine that built it (user, umask, clock, time zone) ends up in the bytes.
 */
public final class ArchiveWriter {

    static final int DIR_MODE = 0755;
    static final int EXEC_MODE = 0755;
    static final int FILE_MODE = 0644;
    // Type bits, which tar and zip readers expect in the mode next to the permissions.
    private static final int S_IFREG = 0100000;
    private static final int S_IFDIR = 0040000;
    // The earliest time a zip (MS-DOS) timestamp can hold.
    private static final LocalDateTime DOS_EPOCH = LocalDateTime.of(1980, 1, 1, 0, 0);

    /** Writes every file and directory under {@code sourceDir} into a gzip-compressed tar at {@code target}. */
    public void tarGz(Path sourceDir, Path target, Instant mtime) throws IOException {
        writeTarGz(collect(sourceDir), target, mtime);
    }

    /** Writes every file and directory under {@code sourceDir} into a zip at {@code target}, unix modes included. */
    public void zip(Path sourceDir, Path target, Instant mtime) throws IOException {
        List<Entry> entries = collect(sourceDir);
        long dosTime = dosTime(mtime);
        writeAtomically(target, tmp -> {
            try (ZipArchiveOutputStream zip = new ZipArchiveOutputStream(tmp)) {
                for (Entry entry : entries) {
                    ZipArchiveEntry ze = new ZipArchiveEntry(entry.name());
                    ze.setUnixMode((entry.directory() ? S_IFDIR : S_IFREG) | entry.mode());
                    ze.setTime(dosTime);
                    ze.setMethod(ZipArchiveEntry.DEFLATED);
                    zip.putArchiveEntry(ze);
                    entry.copyTo(zip);
                    zip.closeArchiveEntry();
                }
            }
        });
    }

    /**
     * One archive entry: a directory (name ends in "/"), or a file whose bytes come from {@code source}
     * or, when that is null, from {@code content}.
     */
    record Entry(String name, boolean directory, int mode, Path source, byte[] content) {
        Entry {
            Objects.requireNonNull(name, "name");
        }

        static Entry directory(String name) {
            return new Entry(name.endsWith("/") ? name : name + "/", true, DIR_MODE, null, null);
        }

        static Entry file(String name, Path source, int mode) {
            return new Entry(name, false, mode, source, null);
        }

        static Entry bytes(String name, byte[] content, int mode) {
            return new Entry(name, false, mode, null, content);
        }

        long size() throws IOException {
            if (directory) {
                return 0;
            }
            return source != null ? Files.size(source) : content.length;
        }

        void copyTo(OutputStream out) throws IOException {
            if (directory) {
                return;
            }
            if (source == null) {
                out.write(content);
                return;
            }
            try (InputStream in = Files.newInputStream(source)) {
                in.transferTo(out);
            }
        }
    }

    /**
     * The files and directories under {@code sourceDir}, named relative to it with "/" and sorted
     * by that name, so a parent always precedes its children. Links are followed so the archive holds content.
     */
    static List<Entry> collect(Path sourceDir) throws IOException {
        if (!Files.isDirectory(sourceDir)) {
            throw new IllegalArgumentException(sourceDir + ": not a directory");
        }
        List<Entry> entries = new ArrayList<>();
        try (Stream<Path> paths = Files.walk(sourceDir, FileVisitOption.FOLLOW_LINKS)) {
            for (Path path : (Iterable<Path>) paths::iterator) {
                if (path.equals(sourceDir)) {
                    continue;
                }
                String name = relativeName(sourceDir, path);
                if (Files.isDirectory(path)) {
                    entries.add(Entry.directory(name));
                } else if (Files.isRegularFile(path)) {
                    entries.add(Entry.file(name, path, mode(path)));
                } else {
                    throw new IllegalArgumentException(path + ": neither a regular file nor a directory");
                }
            }
        }
        if (entries.stream().allMatch(Entry::directory)) {
            throw new IllegalArgumentException(sourceDir + ": nothing to archive, the directory holds no files");
        }
        entries.sort(Comparator.comparing(Entry::name));
        return entries;
    }

    static String relativeName(Path root, Path path) {
        return root.relativize(path).toString().replace(path.getFileSystem().getSeparator(), "/");
    }

    /** 0755 for directories and files the owner may execute, 0644 for the rest; nothing else survives. */
    static int mode(Path path) throws IOException {
        if (Files.isDirectory(path)) {
            return DIR_MODE;
        }
        if (Files.getFileAttributeView(path, PosixFileAttributeView.class) != null) {
            return Files.getPosixFilePermissions(path).contains(PosixFilePermission.OWNER_EXECUTE) ? EXEC_MODE : FILE_MODE;
        }
        return Files.isExecutable(path) ? EXEC_MODE : FILE_MODE;
    }

    /** Writes the entries, in the given order, as a gzip-compressed tar. */
    static void writeTarGz(List<Entry> entries, Path target, Instant mtime) throws IOException {
        // Whole seconds: a fraction would make commons-compress add a PAX header.
        Instant time = mtime.truncatedTo(ChronoUnit.SECONDS);
        GzipParameters gzip = new GzipParameters();
        gzip.setModificationTime(0); // the gzip header's own clock would defeat reproducibility
        gzip.setOperatingSystem(255); // "unknown", instead of the build machine's OS
        writeAtomically(target, tmp -> {
            try (OutputStream file = new BufferedOutputStream(Files.newOutputStream(tmp));
                 TarArchiveOutputStream tar = new TarArchiveOutputStream(new GzipCompressorOutputStream(file, gzip))) {
                tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
                tar.setBigNumberMode(TarArchiveOutputStream.BIGNUMBER_POSIX);
                for (Entry entry : entries) {
                    TarArchiveEntry te = new TarArchiveEntry(entry.name());
                    te.setMode((entry.directory() ? S_IFDIR : S_IFREG) | entry.mode());
                    te.setSize(entry.size());
                    te.setModTime(time.toEpochMilli());
                    te.setUserId(0);
                    te.setGroupId(0);
                    te.setUserName("");
                    te.setGroupName("");
                    tar.putArchiveEntry(te);
                    entry.copyTo(tar);
                    tar.closeArchiveEntry();
                }
                tar.finish();
            }
        });
    }

    /**
     * The instant to hand to the zip writer so that the stored MS-DOS time, which has no zone and is computed
     * in the JVM's default zone, reads as the UTC wall-clock time of {@code mtime} on every machine.
     */
    static long dosTime(Instant mtime) {
        LocalDateTime utc = LocalDateTime.ofInstant(mtime, ZoneOffset.UTC);
        if (utc.isBefore(DOS_EPOCH)) {
            utc = DOS_EPOCH; // e.g. SOURCE_DATE_EPOCH=0; older times would need a non-reproducible extra field
        }
        return utc.atZone(ZoneId.systemDefault()).toInstant().toEpochMilli();
    }

    /** Something that writes a file. */
    @FunctionalInterface
    interface TargetWriter {
        void write(Path file) throws IOException;
    }

    /**
     * Writes through a temporary file in the target's directory and moves it into place, so a reader never sees
     * half an archive and a failed write leaves no file behind.
     */
    static void writeAtomically(Path target, TargetWriter writer) throws IOException {
        Path dir = target.toAbsolutePath().getParent();
        Files.createDirectories(dir);
        Path tmp = Files.createTempFile(dir, "." + target.getFileName(), ".tmp");
        try {
            writer.write(tmp);
            if (Files.getFileAttributeView(tmp, PosixFileAttributeView.class) != null) {
                // createTempFile makes 0600; a published artifact should be readable like any other file.
                Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rw-r--r--"));
            }
            Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }
}
