package dev.baton.config;

import java.util.List;

/**
 * The configuration from outside the code is wrong: an unknown key, a value of the wrong type,
 * a file that cannot be read. Each problem names the key and where it was set (the file and
 * its line, the environment variable, the system property). Thrown when the configuration is
 * loaded, so at startup, with every problem found at once.
 */
public final class ConfigException extends IllegalArgumentException {
    private final List<String> problems;

    ConfigException(List<String> problems) {
        super(message(problems));
        this.problems = List.copyOf(problems);
    }

    ConfigException(String problem, Throwable cause) {
        super(problem, cause);
        this.problems = List.of(problem);
    }

    /** Each problem, one sentence naming its key and source. */
    public List<String> problems() {
        return problems;
    }

    private static String message(List<String> problems) {
        if (problems.size() == 1) {
            return problems.getFirst();
        }
        StringBuilder sb = new StringBuilder(problems.size() + " problems in the Baton configuration:");
        for (String p : problems) {
            sb.append("\n  - ").append(p);
        }
        return sb.toString();
    }
}
