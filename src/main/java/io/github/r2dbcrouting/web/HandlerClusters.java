package io.github.r2dbcrouting.web;

import java.lang.reflect.AnnotatedElement;
import java.lang.reflect.Method;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

import org.springframework.core.annotation.AnnotatedElementUtils;
import org.springframework.web.method.HandlerMethod;

/**
 * Reads the {@link UseCluster} annotation of a request's handler method, or else of its class, once per method.
 */
final class HandlerClusters {

    private final Map<Method, Optional<String>> methods = new ConcurrentHashMap<>();

    private final Map<Class<?>, Optional<String>> types = new ConcurrentHashMap<>();

    Optional<String> clusterOf(Object handler) {
        if (!(handler instanceof HandlerMethod handlerMethod)) {
            return Optional.empty();
        }
        Optional<String> cluster = this.methods.computeIfAbsent(handlerMethod.getMethod(),
                HandlerClusters::annotated);
        if (cluster.isPresent()) {
            return cluster;
        }
        return this.types.computeIfAbsent(handlerMethod.getBeanType(), HandlerClusters::annotated);
    }

    private static Optional<String> annotated(AnnotatedElement element) {
        UseCluster annotation = AnnotatedElementUtils.findMergedAnnotation(element, UseCluster.class);
        if (annotation == null) {
            return Optional.empty();
        }
        if (annotation.value().isBlank()) {
            throw new IllegalStateException(element + " is annotated with @UseCluster(\"\"): name a cluster");
        }
        return Optional.of(annotation.value());
    }
}
