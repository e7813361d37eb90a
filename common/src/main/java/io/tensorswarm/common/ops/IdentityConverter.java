package io.tensorswarm.common.ops;

import ch.qos.logback.classic.pattern.ClassicConverter;
import ch.qos.logback.classic.spi.ILoggingEvent;

/** Logback {@code %tsid}: {@code "[validator 5FHne…M694 netuid=3] "}, or nothing before an identity is set. */
public final class IdentityConverter extends ClassicConverter {
    @Override
    public String convert(ILoggingEvent event) {
        String label = event.getLoggerContextVO().getPropertyMap().get(LogIdentity.PREFIX_PROPERTY);
        return label == null || label.isEmpty() ? "" : "[" + label + "] ";
    }
}
