package io.countersign.signing.internal;

import io.countersign.api.LogKey;
import io.countersign.api.SigningKeys;
import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;

/** {@code countersign:rotate-key}: retires the current signing key and starts signing with a new one. */
@Command(scope = "countersign", name = "rotate-key",
        description = "Make a new Ed25519 signing key current; the old one is kept so what it signed still verifies")
@Service
public class RotateKeyCommand implements Action {

    @Reference
    SigningKeys keys;

    @Override
    public Object execute() throws Exception {
        String retired = keys.current().keyId();
        LogKey current = keys.rotate();
        System.out.println("Signing key " + retired + " retired; " + current.keyId() + " is current (log "
                + keys.origin() + ")");
        return null;
    }
}
