package io.countersign.itests;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * The real MCP servers of the MCP gateway test, installed by itests/scripts/install-mcp-servers.sh (npm ci of a
 * committed lock file into ~/.cache/countersign/mcp) and run with Node.
 */
final class McpUpstreams {

    private final Path home;

    private McpUpstreams(Path home) {
        this.home = home;
    }

    /** Runs the install script (it does nothing when the locked versions are installed) and returns where they are. */
    static McpUpstreams install() throws IOException, InterruptedException {
        Path script = Path.of(System.getProperty("countersign.root"), "itests/scripts/install-mcp-servers.sh");
        Process install = new ProcessBuilder(script.toString()).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        String out = new String(install.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        if (!install.waitFor(10, TimeUnit.MINUTES) || install.exitValue() != 0) {
            throw new IOException(script + " failed: " + out);
        }
        return new McpUpstreams(Path.of(out.lines().reduce((a, b) -> b).orElseThrow()));
    }

    /** The stdio command line of the filesystem server, serving {@code directory} only. */
    String filesystemCommand(Path directory) {
        return "node " + home.resolve("node_modules/@modelcontextprotocol/server-filesystem/dist/index.js") + " "
                + directory;
    }

    /** Starts the "everything" server on Streamable HTTP at {@code http://127.0.0.1:<port>/mcp}. */
    Process startEverything(int port, Path log) throws IOException, InterruptedException {
        ProcessBuilder builder = new ProcessBuilder("node",
                home.resolve("node_modules/@modelcontextprotocol/server-everything/dist/index.js").toString(),
                "streamableHttp");
        builder.environment().put("PORT", Integer.toString(port));
        builder.redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        Process process = builder.start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (System.nanoTime() < deadline) {
            try (Socket ignored = new Socket("127.0.0.1", port)) {
                return process;
            } catch (IOException e) {
                if (!process.isAlive()) {
                    throw new IOException("the everything server ended at start; see " + log);
                }
                Thread.sleep(100);
            }
        }
        process.destroyForcibly();
        throw new IOException("the everything server did not listen on " + port + "; see " + log);
    }

    static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
