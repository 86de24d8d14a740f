package io.countersign.journal.internal;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.util.Set;

/** Opens every channel the journal writes or forces, so tests can stand in a disk that fails or stalls. */
@FunctionalInterface
interface ChannelOpener {

    ChannelOpener DEFAULT = (path, options) -> FileChannel.open(path, options);

    FileChannel open(Path path, Set<? extends OpenOption> options) throws IOException;
}
