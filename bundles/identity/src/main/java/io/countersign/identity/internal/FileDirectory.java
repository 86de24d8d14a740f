package io.countersign.identity.internal;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.countersign.api.Agent;
import io.countersign.api.Directory;
import io.countersign.api.Reviewer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The directory kept in a JSON file. Edits to the file take effect within a second, so a reviewer removed from a
 * group loses the right to vote at once; a file that does not parse is reported and the previous reading stays.
 */
@Component(service = Directory.class, configurationPid = "io.countersign.directory",
        configurationPolicy = ConfigurationPolicy.REQUIRE)
@Designate(ocd = FileDirectory.Config.class)
public final class FileDirectory implements Directory {

    @ObjectClassDefinition(name = "Countersign directory")
    @interface Config {
        @AttributeDefinition(description = "The directory file: agents with key hashes, reviewers with token hashes")
        String file();

        @AttributeDefinition(description = "When the directory file is missing, write a demo one")
        boolean generateDemo() default true;

        @AttributeDefinition(description = "Where the demo's plain credentials are written, once (mode 0600)")
        String demoCredentialsFile();
    }

    private static final Logger LOG = LoggerFactory.getLogger(FileDirectory.class);
    private static final long RECHECK_NANOS = 1_000_000_000L;

    private final ObjectMapper mapper = new ObjectMapper();
    private volatile DirectoryData data = DirectoryData.empty();
    private volatile FileTime loadedModified;
    private volatile long nextCheck;
    private Path file;

    @Activate
    @Modified
    void configure(Config config) throws IOException {
        file = Path.of(config.file());
        if (!Files.exists(file) && config.generateDemo()) {
            Path credentials = Path.of(config.demoCredentialsFile());
            DemoDirectory.generate(file, credentials, mapper);
            LOG.warn("No directory existed: wrote a demo directory to {} and its credentials to {}", file,
                    credentials.toAbsolutePath());
        }
        loadedModified = null;
        nextCheck = System.nanoTime() + RECHECK_NANOS;
        reloadIfChanged();
        LOG.info("directory {} holds {} agents and {} reviewers", file, data.agentCount(), data.reviewerCount());
    }

    @Override
    public Optional<Agent> agentByKey(String apiKey) {
        return Optional.ofNullable(current().agentByKeyHash(Credentials.hash(apiKey)));
    }

    @Override
    public Optional<Reviewer> reviewerByToken(String token) {
        return Optional.ofNullable(current().reviewerByTokenHash(Credentials.hash(token)));
    }

    @Override
    public Optional<Reviewer> reviewer(String id) {
        return Optional.ofNullable(current().reviewer(id));
    }

    @Override
    public Optional<Reviewer> reviewerByContact(String channel, String address) {
        return Optional.ofNullable(current().reviewerByContact(channel, address));
    }

    @Override
    public List<Reviewer> reviewersIn(Collection<String> groups) {
        return current().reviewersIn(groups);
    }

    private DirectoryData current() {
        long now = System.nanoTime();
        if (now - nextCheck >= 0) {
            nextCheck = now + RECHECK_NANOS;
            reloadIfChanged();
        }
        return data;
    }

    private synchronized void reloadIfChanged() {
        try {
            FileTime modified = Files.getLastModifiedTime(file);
            if (modified.equals(loadedModified)) {
                return;
            }
            data = DirectoryData.parse(mapper.readTree(file.toFile()));
            loadedModified = modified;
        } catch (IOException | IllegalArgumentException e) {
            LOG.error("directory file {} cannot be used, keeping the previous reading: {}", file, e.getMessage());
        }
    }
}
