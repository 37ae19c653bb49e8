package dev.baton.micrometer;

import java.util.ArrayList;
import java.util.List;

/** Reads series out of a Prometheus text scrape. */
record Scrape(String body) {

    /** The value of the one series named {@code name} carrying every label given as {@code key, value, ...}. */
    double value(String name, String... labels) {
        List<Double> found = new ArrayList<>();
        for (String line : body.split("\n")) {
            if (line.startsWith("#") || !(line.startsWith(name + "{") || line.startsWith(name + " "))) {
                continue;
            }
            String series = line.substring(0, line.lastIndexOf(' '));
            boolean all = true;
            for (int i = 0; i < labels.length; i += 2) {
                all &= series.contains(labels[i] + "=\"" + labels[i + 1] + "\"");
            }
            if (all) {
                found.add(Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1)));
            }
        }
        if (found.size() != 1) {
            throw new AssertionError(found.size() + " series " + name + " " + List.of(labels) + " in\n" + body);
        }
        return found.get(0);
    }

    boolean has(String name, String... labels) {
        try {
            value(name, labels);
            return true;
        } catch (AssertionError e) {
            return false;
        }
    }
}
