package org.parley.cli;

import java.io.IOException;
import java.security.SecureRandom;
import java.util.Arrays;
import org.parley.crypto.Argon2id;
import org.parley.identity.Identity;
import org.parley.identity.Keystore;
import org.parley.identity.KeystoreException;
import org.parley.store.ProfileHome;

/** Unlocks a profile's keystore with the passphrase from wherever the user gave it. */
public final class Profiles {
    private Profiles() {
    }

    public static Keystore.Unlocked unlock(ProfileHome home, PassphraseOption passphraseOption, CliContext context)
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

    /** Creates a new identity in a home that has none, with a new passphrase (asked twice when typed). */
    public static Keystore.Unlocked create(ProfileHome home, String displayName, PassphraseOption passphraseOption,
                                           CliContext context) throws CliException {
        char[] passphrase = passphraseOption.readNew(context);
        try {
            home.create();
            Identity identity = Identity.generate(displayName, new SecureRandom());
            return Keystore.create(home.keystore(), identity, passphrase, Argon2id.Cost.DEFAULT, new SecureRandom());
        } catch (KeystoreException e) {
            throw new CliException(e.getMessage(), e);
        } catch (IOException e) {
            throw new CliException("cannot create " + home + ": " + e.getMessage(), e);
        } finally {
            Arrays.fill(passphrase, '\0');
        }
    }
}
