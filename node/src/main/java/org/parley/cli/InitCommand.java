package org.parley.cli;

import java.util.concurrent.Callable;
import org.parley.api.ApiException;
import org.parley.api.DisplayNames;
import org.parley.identity.Fingerprint;
import org.parley.identity.Identity;
import org.parley.store.ProfileHome;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

@Command(name = "init", mixinStandardHelpOptions = true, description = "Create a new identity in a profile home.")
final class InitCommand implements Callable<Integer> {
    @ParentCommand
    ParleyCli cli;

    @Mixin
    HomeOption homeOption;

    @Mixin
    PassphraseOption passphraseOption;

    @Option(names = "--name", paramLabel = "NAME", description = "Your display name (default: your user name).")
    String name;

    @Option(names = "--json", description = "Print {\"peerId\",\"name\",\"fingerprint\"} as JSON.")
    boolean json;

    @Override
    public Integer call() throws CliException {
        CliContext context = cli.context();
        ProfileHome home = homeOption.resolve(context);
        String displayName;
        try {
            displayName = DisplayNames.check(name != null ? name : System.getProperty("user.name", "me"));
        } catch (ApiException e) {
            throw new CliException(e.getMessage(), e);
        }
        if (home.hasIdentity()) {
            throw new CliException("an identity already exists in " + home + " (refusing to overwrite it)");
        }
        Identity identity = Profiles.create(home, displayName, passphraseOption, context).identity();
        IdCommand.IdJson id = new IdCommand.IdJson(identity.peerId().toString(), identity.name(),
                Fingerprint.of(identity.peerId()));
        if (json) {
            context.out().println(Json.of(id));
        } else {
            context.out().println("Created identity '" + id.name() + "' in " + home);
            context.out().println("Peer ID:     " + id.peerId());
            context.out().println("Fingerprint: " + id.fingerprint());
        }
        return 0;
    }
}
