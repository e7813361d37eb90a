package io.tensorswarm.common.ops;

import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.ConsoleAppender;
import java.util.Locale;
import net.logstash.logback.encoder.LogstashEncoder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Log line format: {@code text} (the default, for people: {@code 12:00:01.123 INFO  [miner 5F…
 * netuid=3] MinerLoop - ...}) or {@code json} (one object per line on stderr, for log shippers, with
 * the identity as fields).
 */
public enum LogFormat {
    TEXT, JSON;

    public static LogFormat parse(String value) {
        return switch (value.toLowerCase(Locale.ROOT)) {
            case "text" -> TEXT;
            case "json" -> JSON;
            default -> throw new IllegalArgumentException("log format must be text or json, got '" + value + "'");
        };
    }

    /** Switches the console appender to this format. Text is what logback.xml configures already. */
    public void apply() {
        if (this == TEXT || !(LoggerFactory.getILoggerFactory() instanceof LoggerContext context)) {
            return;
        }
        ch.qos.logback.classic.Logger root = context.getLogger(Logger.ROOT_LOGGER_NAME);
        LogstashEncoder encoder = new LogstashEncoder();
        encoder.setContext(context);
        encoder.setIncludeContext(true);
        encoder.start();
        ConsoleAppender<ILoggingEvent> json = new ConsoleAppender<>();
        json.setContext(context);
        json.setName("JSON");
        json.setTarget("System.err");
        json.setEncoder(encoder);
        json.start();
        root.detachAndStopAllAppenders();
        root.addAppender(json);
    }
}
