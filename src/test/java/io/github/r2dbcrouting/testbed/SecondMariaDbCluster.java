package io.github.r2dbcrouting.testbed;

import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * A second MariaDB primary with its own two replicas, on free loopback ports of its own, for tests of several
 * clusters; and the JUnit 5 extension that starts it, once per JVM, next to the {@link MariaDbCluster} the other
 * tests share. Its servers have the same {@code server_id}s as the first cluster's: tell them apart by
 * {@code @@port}.
 * <pre>
 * &#64;ExtendWith({MariaDbCluster.class, SecondMariaDbCluster.class})
 * final class ClustersIT {
 *
 *     &#64;BeforeAll
 *     static void start(MariaDbCluster orders, SecondMariaDbCluster billing) { ... billing.cluster().primary() ... }
 * }
 * </pre>
 */
public final class SecondMariaDbCluster implements ParameterResolver {

    private static final ExtensionContext.Namespace NAMESPACE =
            ExtensionContext.Namespace.create(SecondMariaDbCluster.class);

    private final @Nullable MariaDbCluster cluster;

    /**
     * Creates the JUnit extension; take the started cluster as a parameter.
     */
    public SecondMariaDbCluster() {
        this.cluster = null;
    }

    private SecondMariaDbCluster(MariaDbCluster cluster) {
        this.cluster = cluster;
    }

    /**
     * @return the second cluster's servers
     * @throws IllegalStateException on the extension instance, which has none
     */
    public MariaDbCluster cluster() {
        MariaDbCluster started = this.cluster;
        if (started == null) {
            throw new IllegalStateException("This SecondMariaDbCluster is the JUnit extension: take a "
                    + "SecondMariaDbCluster parameter in a class annotated with "
                    + "@ExtendWith(SecondMariaDbCluster.class)");
        }
        return started;
    }

    @Override
    public boolean supportsParameter(ParameterContext parameterContext, ExtensionContext extensionContext) {
        return parameterContext.getParameter().getType() == SecondMariaDbCluster.class;
    }

    @Override
    public SecondMariaDbCluster resolveParameter(ParameterContext parameterContext,
            ExtensionContext extensionContext) {
        return extensionContext.getRoot()
                .getStore(NAMESPACE)
                .getOrComputeIfAbsent(Started.class, key -> new Started(MariaDbCluster.start()), Started.class)
                .second;
    }

    @Override
    public String toString() {
        return "SecondMariaDbCluster{" + (this.cluster == null ? "extension" : this.cluster.toString()) + "}";
    }

    /** The second cluster in JUnit's root store, which stops it when all tests are done. */
    private static final class Started implements ExtensionContext.Store.CloseableResource {

        private final SecondMariaDbCluster second;

        Started(MariaDbCluster cluster) {
            this.second = new SecondMariaDbCluster(cluster);
        }

        @Override
        public void close() {
            this.second.cluster().stop();
        }
    }
}
