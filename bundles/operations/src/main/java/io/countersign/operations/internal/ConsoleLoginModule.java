package io.countersign.operations.internal;

import java.io.IOException;
import java.nio.file.Path;
import java.security.Principal;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import javax.security.auth.Subject;
import javax.security.auth.callback.Callback;
import javax.security.auth.callback.CallbackHandler;
import javax.security.auth.callback.NameCallback;
import javax.security.auth.callback.PasswordCallback;
import javax.security.auth.callback.UnsupportedCallbackException;
import javax.security.auth.login.FailedLoginException;
import javax.security.auth.login.LoginException;
import javax.security.auth.spi.LoginModule;
import org.apache.karaf.jaas.boot.principal.RolePrincipal;
import org.apache.karaf.jaas.boot.principal.UserPrincipal;

/**
 * Checks the remote console's account against {@link ConsoleAccount}'s realm file. Karaf's SSH server asks for the
 * role in {@code sshRole} (ssh) and its commands for the roles of their ACLs (admin); both are granted.
 * Instantiated by Karaf's ProxyLoginModule from this bundle's class loader (see {@link ConsoleRealm}).
 */
public final class ConsoleLoginModule implements LoginModule {

    static final String OPTION_REALM_FILE = "realmFile";
    static final String OPTION_ROLES = "roles";

    private Subject subject;
    private CallbackHandler callbackHandler;
    private Path realmFile;
    private List<String> roles;
    private String user;
    private final List<Principal> added = new ArrayList<>();

    @Override
    public void initialize(Subject subject, CallbackHandler callbackHandler, Map<String, ?> sharedState,
            Map<String, ?> options) {
        this.subject = subject;
        this.callbackHandler = callbackHandler;
        this.realmFile = Path.of(String.valueOf(options.get(OPTION_REALM_FILE)));
        this.roles = Arrays.stream(String.valueOf(options.get(OPTION_ROLES)).split(","))
                .map(String::trim).filter(role -> !role.isEmpty()).toList();
    }

    @Override
    public boolean login() throws LoginException {
        NameCallback name = new NameCallback("user: ");
        PasswordCallback password = new PasswordCallback("password: ", false);
        try {
            callbackHandler.handle(new Callback[] {name, password});
        } catch (IOException | UnsupportedCallbackException e) {
            throw (LoginException) new LoginException("cannot ask for the console's credentials: " + e).initCause(e);
        }
        char[] secret = password.getPassword() == null ? new char[0] : password.getPassword();
        try {
            if (name.getName() == null || !ConsoleAccount.matches(realmFile, name.getName(), secret)) {
                throw new FailedLoginException("wrong user or password");
            }
        } catch (IOException e) {
            throw (LoginException) new LoginException("cannot read " + realmFile + ": " + e).initCause(e);
        } finally {
            Arrays.fill(secret, '\0');
            password.clearPassword();
        }
        user = name.getName();
        return true;
    }

    @Override
    public boolean commit() {
        if (user == null) {
            return false;
        }
        added.add(new UserPrincipal(user));
        roles.forEach(role -> added.add(new RolePrincipal(role)));
        subject.getPrincipals().addAll(added);
        return true;
    }

    @Override
    public boolean abort() {
        return logout();
    }

    @Override
    public boolean logout() {
        subject.getPrincipals().removeAll(added);
        added.clear();
        user = null;
        return true;
    }
}
