package io.countersign.operations.internal;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;
import javax.security.auth.login.AppConfigurationEntry;
import javax.security.auth.login.AppConfigurationEntry.LoginModuleControlFlag;
import org.apache.karaf.jaas.boot.ProxyLoginModule;
import org.apache.karaf.jaas.config.JaasRealm;
import org.osgi.framework.BundleContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The JAAS realm of the installation's remote console (etc/org.apache.karaf.shell.cfg names it in sshRealm): one
 * account, generated into the data directory on first start, so that every installation has its own and none ships
 * with a default password.
 */
@Component(service = JaasRealm.class, configurationPid = "io.countersign.console",
        configurationPolicy = ConfigurationPolicy.REQUIRE)
@Designate(ocd = ConsoleRealm.Config.class)
public final class ConsoleRealm implements JaasRealm {

    @ObjectClassDefinition(name = "Countersign remote console",
            description = "The account of Karaf's remote shell (bin/client, ./countersign console)")
    public @interface Config {
        @AttributeDefinition(description = "The JAAS realm name; etc/org.apache.karaf.shell.cfg's sshRealm")
        String realm() default "countersign";

        @AttributeDefinition(description = "Where the account is kept: an absolute path in the data directory")
        String directory();

        @AttributeDefinition(description = "The host the remote shell listens on, written for bin/client")
        String host() default "127.0.0.1";

        @AttributeDefinition(description = "The port the remote shell listens on, written for bin/client")
        int port();

        @AttributeDefinition(description = "The roles the console's user has")
        String roles() default "admin,manager,viewer,systembundles,ssh";
    }

    private static final Logger LOG = LoggerFactory.getLogger(ConsoleRealm.class);

    private final String name;
    private final AppConfigurationEntry[] entries;

    @Activate
    public ConsoleRealm(BundleContext context, Config config) throws IOException {
        Path directory = Path.of(config.directory());
        if (!directory.isAbsolute()) {
            throw new IllegalArgumentException("io.countersign.console directory must be an absolute path, not '"
                    + config.directory() + "' (is countersign.data set?)");
        }
        ConsoleAccount account = new ConsoleAccount(directory);
        account.prepare(config.host(), config.port());
        this.name = config.realm();
        // Karaf's proxy loads the module from the bundle named here, so it need not be visible to JAAS itself.
        this.entries = new AppConfigurationEntry[] {new AppConfigurationEntry(ProxyLoginModule.class.getName(),
                LoginModuleControlFlag.REQUIRED, Map.of(
                        ProxyLoginModule.PROPERTY_MODULE, ConsoleLoginModule.class.getName(),
                        ProxyLoginModule.PROPERTY_BUNDLE, Long.toString(context.getBundle().getBundleId()),
                        ConsoleLoginModule.OPTION_REALM_FILE, account.realmFile().toString(),
                        ConsoleLoginModule.OPTION_ROLES, config.roles()))};
        LOG.info("remote console on {}:{}, realm '{}', account in {}", config.host(), config.port(), name, directory);
    }

    @Override
    public String getName() {
        return name;
    }

    @Override
    public int getRank() {
        return 0;
    }

    @Override
    public AppConfigurationEntry[] getEntries() {
        return entries.clone();
    }
}
