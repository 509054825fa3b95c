package io.github.r2dbcrouting.it;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;

import org.junit.jupiter.api.MethodDescriptor;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.MethodOrdererContext;
import reactor.util.Logger;
import reactor.util.Loggers;

/**
 * Runs the test methods of a class in a random order that its {@link Seed} fixes, and logs the seed and the order,
 * so that a failure that depends on what ran before can be run again in the same order.
 * <p>
 * Unlike {@link MethodOrderer.Random}, whose seed is one configuration parameter for the whole run, each class
 * names its own seed:
 * <pre>
 * &#64;TestMethodOrder(ShuffledOrder.class)
 * &#64;ShuffledOrder.Seed(42)
 * class ConnectionReuseIT { ... }
 * </pre>
 */
public final class ShuffledOrder implements MethodOrderer {

    private static final Logger logger = Loggers.getLogger(ShuffledOrder.class);

    /** JUnit may order a class more than once; its order is logged the first time. */
    private static final Set<Class<?>> logged = ConcurrentHashMap.newKeySet();

    /**
     * The seed of a class ordered by {@link ShuffledOrder}: the same seed gives the same order.
     */
    @Documented
    @Retention(RetentionPolicy.RUNTIME)
    @Target(ElementType.TYPE)
    public @interface Seed {

        long value();
    }

    @Override
    public void orderMethods(MethodOrdererContext context) {
        Class<?> testClass = context.getTestClass();
        Seed seed = testClass.getAnnotation(Seed.class);
        if (seed == null) {
            throw new IllegalStateException(testClass.getName() + " is ordered by ShuffledOrder but has no seed:"
                    + " annotate it with @ShuffledOrder.Seed(n)");
        }
        List<? extends MethodDescriptor> methods = context.getMethodDescriptors();
        // Start from the same order on every JVM, whatever order reflection returned.
        methods.sort(Comparator.comparing((MethodDescriptor method) -> method.getMethod().getName())
                .thenComparing(method -> method.getMethod().toGenericString()));
        Collections.shuffle(methods, new java.util.Random(seed.value()));
        if (logged.add(testClass)) {
            logger.info("{} runs in the order of seed {}: {}", testClass.getName(), seed.value(),
                    methods.stream().map(method -> method.getMethod().getName()).collect(Collectors.joining(", ")));
        }
    }
}
