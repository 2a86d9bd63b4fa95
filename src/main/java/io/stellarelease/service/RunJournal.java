package io.stellarelease.service;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Stream;
import java.util.zip.CRC32;

/**
 * The journal of accepted runs: where {@link RunRegistry} records a new run (and a delivery added to a run not
 * started yet) before it is acknowledged, instead of a file per run. Appends are group-committed: requests that
 * arrive while a flush is under way are written together and flushed once ({@code force}), and each returns only
 * once the flush that covers its record has completed, so "acknowledged" still means "on disk"; a crash loses no
 * acknowledged record. A run's later changes go to its own file ({@code <id>.json}); from then on that file is its
 * record and its journal entries are obsolete.
 * <p>Format: files {@code journal-<n>.log}, each a sequence of frames {@code [length:int][crc32:int][payload]};
 * the payload is {@code P} and a run's JSON (its record), or {@code D} and a run id (the run was pruned: entries
 * before it do not count). A crash in the middle of an append leaves a partial or corrupt frame at the tail of the
 * last file: reading stops there and the file is truncated to its last complete frame (that frame's flush never
 * completed, so it was never acknowledged). A file is started afresh past {@link #segmentBytes}, and a file whose
 * runs all have files of their own is deleted (oldest first, so a {@code D} never outlives nothing it cancels).
 */
final class RunJournal implements AutoCloseable {
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(RunJournal.class);
    static final byte PUT = 'P';
    static final byte DELETE = 'D';
    private static final int HEADER = 8;
    private static final int MAX_FRAME = 16 * 1024 * 1024;

    private final Path dir;
    private final long segmentBytes;

    // Guarded by this.
    private long nextSegment;
    private long currentSegment = -1;
    private FileChannel channel;
    private List<Entry> pending = new ArrayList<>();
    private boolean flushing;
    private IOException broken;
    // Per live segment (oldest first): the runs whose record it holds and that have no file of their own yet.
    private final TreeMap<Long, Set<String>> unsettled = new TreeMap<>();
    // The newest segment holding a record of each run (while that segment lives): a pruned run needs a D there.
    private final Map<String, Long> lastPut = new HashMap<>();

    private static final class Entry {
        final byte[] frame;
        final String id;
        final byte type;
        long segment;
        boolean done;
        IOException error;

        Entry(byte[] frame, String id, byte type) {
            this.frame = frame;
            this.id = id;
            this.type = type;
        }
    }

    /** A record read back: a run's JSON ({@link #PUT}) or a pruned run's id ({@link #DELETE}). */
    record Read(byte type, String id, byte[] json) { }

    private RunJournal(Path dir, long segmentBytes, long nextSegment) {
        this.dir = dir;
        this.segmentBytes = segmentBytes;
        this.nextSegment = nextSegment;
    }

    /** The journal files in {@code dir}, oldest first. */
    static List<Path> segments(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(f -> segmentNumber(f) >= 0)
                    .sorted(java.util.Comparator.comparingLong(RunJournal::segmentNumber)).toList();
        }
    }

    private static long segmentNumber(Path file) {
        String name = file.getFileName().toString();
        if (!name.startsWith("journal-") || !name.endsWith(".log")) {
            return -1;
        }
        try {
            return Long.parseLong(name.substring("journal-".length(), name.length() - ".log".length()));
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    /**
     * Reads every complete frame of the journal files in {@code dir}, oldest first. A partial or corrupt frame
     * ends its file: the file is truncated there (and flushed), and what followed it is dropped with a warning.
     */
    static TreeMap<Long, List<Read>> readAll(Path dir) throws IOException {
        TreeMap<Long, List<Read>> all = new TreeMap<>();
        for (Path file : segments(dir)) {
            List<Read> records = new ArrayList<>();
            all.put(segmentNumber(file), records);
            try (FileChannel in = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
                long size = in.size();
                ByteBuffer bytes = ByteBuffer.allocate((int) Math.min(size, Integer.MAX_VALUE - 8));
                while (bytes.hasRemaining() && in.read(bytes) >= 0) {
                    // read it whole
                }
                bytes.flip();
                long good = 0;
                while (bytes.remaining() >= HEADER) {
                    int length = bytes.getInt();
                    int crc = bytes.getInt();
                    if (length < 1 || length > MAX_FRAME || length > bytes.remaining()) {
                        break;
                    }
                    byte[] payload = new byte[length];
                    bytes.get(payload);
                    if ((int) crc(payload) != crc) {
                        break;
                    }
                    byte type = payload[0];
                    byte[] body = java.util.Arrays.copyOfRange(payload, 1, payload.length);
                    if (type == DELETE) {
                        records.add(new Read(DELETE, new String(body, StandardCharsets.UTF_8), null));
                    } else if (type == PUT) {
                        records.add(new Read(PUT, null, body));
                    } else {
                        break;
                    }
                    good = bytes.position();
                }
                if (good < size) {
                    LOG.warn("run journal {}: dropped {} byte(s) of an incomplete record at its end (a write the crash "
                            + "interrupted, never acknowledged)", file, size - good);
                    in.truncate(good);
                    in.force(true);
                }
            }
        }
        return all;
    }

    /**
     * Opens a new journal file after the existing ones in {@code dir}, which stay until their runs have files of their
     * own: {@code puts} names, per existing file, the runs it holds a record of ({@link #readAll}); {@code settled}
     * says which of them have a file of their own (or were pruned).
     */
    static RunJournal open(Path dir, long segmentBytes, Map<Long, Set<String>> puts,
                           java.util.function.Predicate<String> settled) throws IOException {
        List<Path> existing = segments(dir);
        long next = existing.isEmpty() ? 1 : segmentNumber(existing.get(existing.size() - 1)) + 1;
        RunJournal journal = new RunJournal(dir, segmentBytes, next);
        synchronized (journal) {
            for (Path file : existing) {
                long number = segmentNumber(file);
                Set<String> ids = puts.getOrDefault(number, Set.of());
                ids.forEach(id -> journal.lastPut.put(id, number));
                Set<String> open = new HashSet<>(ids);
                open.removeIf(settled);
                journal.unsettled.put(number, open);
            }
            journal.retire(); // the first append starts a new file

        }
        return journal;
    }

    private void startSegment() throws IOException {
        Files.createDirectories(dir);
        long number = nextSegment++;
        FileChannel next = FileChannel.open(file(number), StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
        forceDir(dir); // the new file's name is durable before any record in it is acknowledged
        if (channel != null) {
            channel.close();
        }
        channel = next;
        currentSegment = number;
        unsettled.put(number, new HashSet<>());
    }

    private Path file(long number) {
        return dir.resolve(String.format("journal-%012d.log", number));
    }

    /** Records run {@code id}'s record; returns once it is on disk. */
    void put(String id, byte[] json) throws IOException {
        byte[] payload = new byte[json.length + 1];
        payload[0] = PUT;
        System.arraycopy(json, 0, payload, 1, json.length);
        append(frame(payload), id, PUT);
    }

    /** Whether a journal file still holds a record of run {@code id} (then its pruning must be recorded here too). */
    synchronized boolean holds(String id) {
        Long segment = lastPut.get(id);
        return segment != null && unsettled.containsKey(segment);
    }

    /** Records that run {@code id} was pruned (its earlier records no longer count); returns once it is on disk. */
    void delete(String id) throws IOException {
        byte[] name = id.getBytes(StandardCharsets.UTF_8);
        byte[] payload = new byte[name.length + 1];
        payload[0] = DELETE;
        System.arraycopy(name, 0, payload, 1, name.length);
        append(frame(payload), id, DELETE);
    }

    /** Run {@code id} has a file of its own now: its journal records are obsolete. Deletes files left with none. */
    synchronized void settled(String id) {
        for (Set<String> ids : unsettled.values()) {
            ids.remove(id);
        }
        retire();
    }

    private void retire() {
        while (!unsettled.isEmpty() && unsettled.firstEntry().getValue().isEmpty()) {
            long oldest = unsettled.firstKey();
            if (oldest == currentSegment) {
                return;
            }
            unsettled.remove(oldest);
            lastPut.values().removeIf(s -> s == oldest);
            try {
                Files.deleteIfExists(file(oldest));
                forceDir(dir); // gone before any newer file is: a D never outlives its file's P
            } catch (IOException e) {
                LOG.warn("could not delete the obsolete run journal {}: {}", file(oldest), e.getMessage());
            }
        }
    }

    private static byte[] frame(byte[] payload) {
        ByteBuffer frame = ByteBuffer.allocate(HEADER + payload.length);
        frame.putInt(payload.length).putInt((int) crc(payload)).put(payload);
        return frame.array();
    }

    private static long crc(byte[] payload) {
        CRC32 crc = new CRC32();
        crc.update(payload);
        return crc.getValue();
    }

    /**
     * Group commit: the first caller that finds no flush under way writes every pending frame and flushes once;
     * the others wait for the flush that covers theirs (or take the lead for the next batch).
     */
    private void append(byte[] frame, String id, byte type) throws IOException {
        Entry entry = new Entry(frame, id, type);
        List<Entry> batch;
        synchronized (this) {
            if (broken != null) {
                throw new IOException("the run journal cannot be written since an earlier failure", broken);
            }
            if (channel == null) {
                startSegment(); // the first append (a failure here fails this append only)
            }
            pending.add(entry);
            while (flushing && !entry.done) {
                try {
                    wait();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IOException("interrupted while waiting for the run journal's flush", e);
                }
            }
            if (entry.done) {
                if (entry.error != null) {
                    throw entry.error;
                }
                return;
            }
            flushing = true;
            batch = pending;
            pending = new ArrayList<>();
            // The file this batch goes to (the current one: a new file starts only after a flush). Counted before
            // the flush: the settle of a run comes after its acknowledgement, under the same run's lock.
            for (Entry e : batch) {
                e.segment = currentSegment;
                if (e.type == PUT) {
                    unsettled.get(currentSegment).add(e.id);
                    lastPut.put(e.id, currentSegment);
                }
            }
        }
        IOException failure = null;
        FileChannel out;
        synchronized (this) {
            out = channel;
        }
        long start = -1;
        try {
            start = out.position();
            ByteBuffer[] buffers = new ByteBuffer[batch.size()];
            for (int i = 0; i < buffers.length; i++) {
                buffers[i] = ByteBuffer.wrap(batch.get(i).frame);
            }
            long total = 0;
            for (ByteBuffer b : buffers) {
                total += b.remaining();
            }
            long written = 0;
            while (written < total) {
                written += out.write(buffers);
            }
            out.force(false); // the size and data: a file that only grows needs no other metadata
        } catch (IOException e) {
            failure = e;
        }
        synchronized (this) {
            if (failure != null) {
                // Back to the last complete flush, so the next batch does not follow a partial one; if even that
                // fails, no more appends: reading would stop at the partial frame and drop what followed.
                // A leader interrupted mid-write closes the channel (ClosedByInterruptException): then a new file,
                // and reading stops at the partial frame at the end of this one.
                try {
                    if (out != channel) {
                        // already replaced
                    } else if (out.isOpen() && start >= 0) {
                        out.truncate(start);
                        out.position(start);
                    } else {
                        startSegment();
                    }
                } catch (IOException e) {
                    broken = e;
                }
            } else if (out.position() >= segmentBytes) {
                try {
                    startSegment();
                } catch (IOException e) {
                    broken = e;
                }
            }
            for (Entry e : batch) {
                e.error = failure;
                e.done = true;
            }
            flushing = false;
            notifyAll();
        }
        if (entry.error != null) {
            throw entry.error;
        }
    }

    private static void forceDir(Path dir) throws IOException {
        try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
            d.force(true);
        }
    }

    @Override
    public synchronized void close() {
        try {
            if (channel != null) {
                channel.close();
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
