package io.tensorswarm.gym;

import io.tensorswarm.gym.attack.AdversaryKind;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code gym kinds}: one line per adversary kind, its name and what it does. */
@Command(name = "kinds", mixinStandardHelpOptions = true, description = "List the adversary kinds.")
final class KindsCommand implements Runnable {
    @Spec CommandSpec spec;

    @Override
    public void run() {
        for (AdversaryKind k : AdversaryKind.values()) {
            spec.commandLine().getOut().printf("%-16s %s%n", k.flagValue(), k.description());
        }
        spec.commandLine().getOut().flush();
    }
}
