package org.parley.cli;

import java.util.Arrays;
import org.parley.identity.Keystore;
import org.parley.identity.KeystoreException;
import org.parley.store.ProfileHome;

/** Unlocks a profile's keystore with the passphrase from wherever the user gave it. */
final class Profiles {
    private Profiles() {
    }

    static Keystore.Unlocked unlock(ProfileHome home, PassphraseOption passphraseOption, CliContext context)
            throws CliException {
        char[] passphrase = passphraseOption.read(context);
        try {
            return Keystore.unlock(home.keystore(), passphrase);
        } catch (KeystoreException e) {
            throw new CliException(e.getMessage(), e);
        } finally {
            Arrays.fill(passphrase, '\0');
        }
    }
}
