package io.github.r2dbcrouting.web;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Send the database work of the requests handled by the annotated handler method, or by every handler method of the
 * annotated controller, to the named cluster; the route within it (primary or replica) is chosen as usual.
 * <p>
 * Read by the {@link RoutingWebFilter}; an annotation on the method wins over one on the class, and both win over
 * the filter's {@link RoutingWebFilter.Builder#requestCluster(RequestCluster) requestCluster} hook. An explicit
 * {@link io.github.r2dbcrouting.Routing#withCluster(String)} in the handler's code, and a repository bound to a
 * cluster view ({@link io.github.r2dbcrouting.RoutingConnectionFactory#cluster(String)}), still win.
 * <pre class="code">
 * &#64;RestController
 * &#64;UseCluster("billing")
 * class InvoiceController { ... }
 * </pre>
 */
@Target({ElementType.METHOD, ElementType.TYPE})
@Retention(RetentionPolicy.RUNTIME)
@Documented
@Inherited
public @interface UseCluster {

    /**
     * @return the cluster's name, as for {@link io.github.r2dbcrouting.Routing#withCluster(String)}
     */
    String value();
}
