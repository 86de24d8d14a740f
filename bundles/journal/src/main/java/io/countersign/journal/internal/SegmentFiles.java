package io.countersign.journal.internal;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.NavigableMap;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Names of the files in a journal directory, and the few raw operations done on them. */
final class SegmentFiles {

    static final String SPARE = "spare.tmp";
    static final String LOCK = "journal.lock";

    private static final String PREFIX = "segment-";
    private static final Pattern NAME = Pattern.compile("segment-(\\d{20})\\.log");
    private static final int CHUNK = 1024 * 1024;
    private static final ByteBuffer ZEROS = ByteBuffer.allocateDirect(CHUNK).asReadOnlyBuffer();

    private SegmentFiles() {
    }

    static Path path(Path directory, long firstSeq) {
        return directory.resolve(String.format("%s%020d.log", PREFIX, firstSeq));
    }

    /** The segment files of {@code directory} by the first seq their names carry. */
    static NavigableMap<Long, Path> list(Path directory) throws IOException {
        NavigableMap<Long, Path> segments = new TreeMap<>();
        // Only *.log: the segments' index files (segment-….idx) live next to them.
        try (DirectoryStream<Path> files = Files.newDirectoryStream(directory, PREFIX + "*.log")) {
            for (Path file : files) {
                Matcher name = NAME.matcher(file.getFileName().toString());
                if (!name.matches()) {
                    throw new CorruptJournalException("unexpected file " + file + " in the journal directory: segment"
                            + " files are named segment-<20-digit first seq>.log");
                }
                try {
                    segments.put(Long.parseLong(name.group(1)), file);
                } catch (NumberFormatException e) {
                    throw new CorruptJournalException("segment " + file + " names a first seq beyond 2^63-1");
                }
            }
        }
        return segments;
    }

    /** Makes file creations and renames in {@code directory} durable; a failed fsync is {@link FsyncFailedException}. */
    static void fsyncDirectory(ChannelOpener opener, Path directory) throws IOException {
        try (FileChannel channel = opener.open(directory, Set.of(StandardOpenOption.READ))) {
            try {
                channel.force(true);
            } catch (IOException e) {
                throw new FsyncFailedException("directory " + directory, e);
            }
        }
    }

    static void writeZeros(FileChannel channel, long from, long to) throws IOException {
        long position = from;
        while (position < to) {
            ByteBuffer zeros = ZEROS.duplicate();
            zeros.limit((int) Math.min(CHUNK, to - position));
            while (zeros.hasRemaining()) {
                position += channel.write(zeros, position);
            }
        }
    }

    /** The offset just past the last non-zero byte in {@code [from, to)}, or {@code from} if all are zero. */
    static long nonZeroEnd(FileChannel channel, long from, long to) throws IOException {
        ByteBuffer buffer = ByteBuffer.allocate(CHUNK);
        long end = from;
        long position = from;
        while (position < to) {
            buffer.clear().limit((int) Math.min(CHUNK, to - position));
            int read = channel.read(buffer, position);
            if (read < 0) {
                break;
            }
            for (int i = read - 1; i >= 0; i--) {
                if (buffer.get(i) != 0) {
                    end = position + i + 1;
                    break;
                }
            }
            position += read;
        }
        return end;
    }
}
